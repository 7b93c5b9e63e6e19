"""The plan's commands and `confgen deploy --dry-run`, run by the real pinned wrangler.

1. Every command `confgen plan` prints, for the bundled project and every golden tree, at
   the top level and in every environment, is a `wrangler deploy` that the pinned wrangler
   accepts: run as printed plus `--dry-run`, it exits 0 without errors, and its bindings
   table is the model's, with the step's secrets as hidden values.
2. `confgen deploy --env E --dry-run` on the bundled project, every environment, with the
   pinned wrangler as WRANGLER: every step passes, and no secret value is printed or left
   on disk.

The bundled project's environments are proven by 2 alone (each wrangler run takes seconds):
confgen deploy runs the printed commands word for word (only the secrets file is its private
one, and `--dry-run --outdir` is added), which the test checks before it checks wrangler's
verdict and bindings table, taken from deploy's JSON log. 1 runs every other target.

Needs `scripts/install-wrangler`; without it these tests fail (never skip).
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import test_wrangler_real as real
import wrangler_tool as wt
from click.testing import CliRunner
from expected_bindings import (
    any_values,
    copied_rows,
    expected_rows,
    expected_tail_consumers,
    multiset_diff,
)

from confgen.cli import main
from confgen.deploy import PRIVATE_FILE
from confgen.plan import Step, plan

pytestmark = pytest.mark.wrangler

TARGETS = [(scenario, env) for scenario in real.SCENARIOS
           for env in (None, *real.project_of(scenario).env_names)]
BY_DEPLOY = [("bundled", env) for env in real.project_of("bundled").env_names]  # see 2.
HIDDEN = '"(hidden)"'  # how wrangler prints a value from --secrets-file


def copy_of(scenario: str, tmp: Path) -> Path:
    """The scenario's manifest, lock and committed outputs in a scratch folder."""
    root = real.root_of(scenario)
    dest = tmp / scenario
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(".wrangler"))
    return dest / "project.toml"


def printed_commands(manifest: Path, env: str | None) -> list[str]:
    args = ["plan", "--manifest", str(manifest), *(["--env", env] if env else [])]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line and not line.startswith("#")]


def steps_of(scenario: str, env: str | None) -> list[Step]:
    return plan(real.project_of(scenario), env)


BY_PLAN = [t for t in TARGETS if t not in BY_DEPLOY]


def test_every_target_is_checked() -> None:
    assert len(TARGETS) >= 12  # 4 scenarios: bundled and three_environments have 3 envs
    assert ("bundled", "production") in BY_DEPLOY and ("bundled", None) in BY_PLAN
    assert ("three_environments", "staging") in BY_PLAN and ("no_environments", None) in BY_PLAN


def check_run(scenario: str, env: str | None, step: Step, run: wt.DryRun,
              context: str) -> None:
    """wrangler accepted the command, and bound what the model says (+ hidden secrets)."""
    assert run.returncode == 0 and not run.errors, context
    assert "Unknown argument" not in run.output, context
    worker = real.project_of(scenario).worker(step.worker)
    assert worker is not None
    allowed = real.NO_TARGET_ENV_WARNING if env is None and worker.envs else None
    warnings = run.warnings
    if env is not None and real.removes(real.Combo(scenario, step.worker, env)):
        # What the manifest removes in this environment (`unset`), wrangler notes.
        warnings = [w for w in warnings if not any(m in w for m in real.NOT_INHERITED_MARKERS)
                    and "exist at the top level, but not on" not in w]
    assert all(allowed and w.startswith(allowed) for w in warnings), context
    # A worker with no env sections (`environments = []`) is one script: its top level.
    config = next((c for c in worker.envs if c.env == env), worker.top)
    expected = expected_rows(config) + Counter(
        (n, "Environment Variable", HIDDEN) for n in step.secrets) + Counter(
        copied_rows(config, lambda key: worker.effective(config, key)))
    printed = any_values(Counter((b.name, b.kind, b.value) for b in run.bindings), expected)
    assert not multiset_diff(expected, printed), f"{multiset_diff(expected, printed)}\n{context}"
    assert not multiset_diff(expected_tail_consumers(config), Counter(run.tail_consumers)), \
        context


@pytest.mark.parametrize(("scenario", "env"), BY_PLAN,
                         ids=[f"{s}-{e or 'top'}" for s, e in BY_PLAN])
def test_every_plan_command_is_accepted_by_the_pinned_wrangler(
        scenario: str, env: str | None, tmp_path: Path) -> None:
    manifest = copy_of(scenario, tmp_path)
    root = manifest.parent
    steps = steps_of(scenario, env)
    commands = printed_commands(manifest, env)
    assert commands == [c for s in steps for c in s.commands]  # one per step, nothing else
    wrangler = wt.wrapper(tmp_path)
    for step, command in zip(steps, commands, strict=True):
        argv = shlex.split(command)
        assert argv[:2] == ["wrangler", "deploy"], f"no offline proof for: {command}"
        if step.secrets:
            (root / str(step.secrets_file)).write_text(
                json.dumps({n: f"dummy-{n}" for n in step.secrets}))
        proc = subprocess.run([str(wrangler), *argv[1:], "--dry-run", "--outdir",
                               str(tmp_path / "out" / step.worker)], cwd=root,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, check=False, timeout=180)
        run = wt.parse_output(proc.returncode, wt.strip_ansi(proc.stdout.decode()))
        check_run(scenario, env, step, run,
                  f"{command} --dry-run (in {root})\n--- output ---\n{run.output}")


@pytest.mark.parametrize("env", real.project_of("bundled").env_names)
def test_deploy_dry_run_on_the_bundled_project(env: str, tmp_path: Path) -> None:
    manifest = copy_of("bundled", tmp_path)
    steps = steps_of("bundled", env)
    values = {n: f"s3cret-{n}-Xy7" for s in steps for n in s.secrets}
    environ = {"WRANGLER": str(wt.wrapper(tmp_path)), **values}
    result = CliRunner().invoke(main, ["deploy", "--env", env, "--dry-run", "--format", "json",
                                       "--manifest", str(manifest)], env=environ)
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[0]["wrangler"]["version"] == wt.wrangler_version()
    ran = [e for e in events if e["event"] == "step"]
    assert [e["status"] for e in ran] == ["ok"] * len(steps)
    printed = printed_commands(manifest, env)
    for step, event, command in zip(steps, ran, printed, strict=True):
        if step.secrets:  # the printed file name, or confgen's private file in its place
            command = command.replace(f"--secrets-file {step.secrets_file}",
                                      f"--secrets-file {shlex.quote(PRIVATE_FILE)}")
        assert event["command"] == f"{command} --dry-run"
        check_run("bundled", env, step, wt.parse_output(0, event["output"]),
                  f"{event['command']}\n--- output ---\n{event['output']}")
    assert events[-1]["status"] == "ok"
    assert not any(v in result.output for v in values.values())
    on_disk = [p for p in tmp_path.rglob("*") if p.is_file()
               and any(v.encode() in p.read_bytes() for v in values.values())]
    assert on_disk == []
