"""`confgen deploy` orchestration, with a stand-in wrangler (tests/stand_in_wrangler.py) that
records its arguments and fails or hangs on a chosen worker. The real pinned wrangler runs
the same commands in tests/test_deploy_real.py."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from confgen import resolve
from confgen.cli import main
from confgen.deploy import PRIVATE_FILE
from confgen.plan import plan
from confgen.validate import validate_file
from confgen.wrangler_exe import SUPPORTED_BELOW, SUPPORTED_MIN, WranglerError, find, locate

REPO = Path(__file__).resolve().parent.parent
STAND_IN = Path(__file__).resolve().parent / "stand_in_wrangler.py"
ENV = "staging"


def secret_names(manifest: Path, env: str | None = ENV) -> list[str]:
    project = validate_file(manifest).project
    assert project is not None
    return sorted({n for s in plan(project, env) for n in s.secrets})


def value_of(name: str) -> str:
    return f"v4lue-of-{name}-Zq9"  # distinctive: found only where it leaked


class Deploy:
    """Runs `confgen deploy` on a copy of the bundled project with the stand-in wrangler."""

    def __init__(self, manifest: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch,
                 env: str | None = ENV) -> None:
        self.manifest = manifest
        self.record = tmp / "record.jsonl"
        self.tmpdir = tmp / "tmpdir"
        self.tmpdir.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(self.tmpdir))  # where temp files go
        self.env: dict[str, str | None] = {
            "WRANGLER": shlex.join([sys.executable, str(STAND_IN)]),
            "STANDIN_RECORD": str(self.record), "TMPDIR": str(self.tmpdir),
            **{n: value_of(n) for n in secret_names(manifest, env)}}

    def __call__(self, *args: str, **env: str | None) -> Result:
        return CliRunner().invoke(main, ["deploy", "--manifest", str(self.manifest), *args],
                                  env={**self.env, **env})

    def calls(self) -> list[dict[str, Any]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines()]

    def deployed(self) -> list[str]:
        return [c["worker"] for c in self.calls()]


@pytest.fixture
def deploy(bundled_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Deploy:
    return Deploy(bundled_copy, tmp_path, monkeypatch)


def plan_order(manifest: Path, env: str | None = ENV) -> list[str]:
    project = validate_file(manifest).project
    assert project is not None
    return [s.worker for s in plan(project, env)]


def test_runs_the_plans_commands_in_the_plans_order(deploy: Deploy) -> None:
    result = deploy("--env", ENV)
    assert result.exit_code == 0, result.output
    project = validate_file(deploy.manifest).project
    assert project is not None
    steps = plan(project, ENV)
    calls = deploy.calls()
    assert [c["worker"] for c in calls] == [s.worker for s in steps]
    for step, call in zip(steps, calls, strict=True):
        assert call["args"] == step.args(call.get("secrets_file"))  # the plan's command
        assert call["cwd"] == str(deploy.manifest.parent)  # where the -c paths lead
        assert f"{step.worker} -> " in result.output or f"] {step.worker}  ok" in result.output
    assert result.output.count("  ok  ") == len(steps)
    assert "10 of 10 step(s) deployed" in result.output


def test_each_step_gets_exactly_its_own_secrets_in_a_private_file(deploy: Deploy) -> None:
    assert deploy("--env", ENV).exit_code == 0
    project = validate_file(deploy.manifest).project
    assert project is not None
    for step, call in zip(plan(project, ENV), deploy.calls(), strict=True):
        if not step.secrets:
            assert "--secrets-file" not in call["args"]
            continue
        assert call["secrets"] == {n: hashlib.sha256(value_of(n).encode()).hexdigest()
                                   for n in step.secrets}
        assert call["file_mode"] == 0o600 and call["folder_mode"] == 0o700
        assert not Path(call["secrets_file"]).exists()  # removed after its step
    assert list(deploy.tmpdir.iterdir()) == []


def test_only_keeps_plan_order_and_from_starts_at_a_worker(deploy: Deploy) -> None:
    order = plan_order(deploy.manifest)
    assert deploy("--env", ENV, "--only", "dispatcher,db", "--only", "api").exit_code == 0
    assert deploy.deployed() == [w for w in order if w in {"dispatcher", "db", "api"}]
    deploy.record.unlink()
    assert deploy("--env", ENV, "--from", "gateway").exit_code == 0
    assert deploy.deployed() == order[order.index("gateway"):]
    deploy.record.unlink()
    result = deploy("--env", ENV, "--only", "api,gateway,dispatcher", "--from", "gateway")
    assert result.exit_code == 0 and deploy.deployed() == ["gateway", "dispatcher"]


def test_unknown_workers_and_environments_are_usage_errors(deploy: Deploy) -> None:
    result = deploy("--env", ENV, "--only", "api,nope")
    assert result.exit_code == 2 and "no worker 'nope' in the plan" in result.stderr
    result = deploy("--env", "prod")
    assert result.exit_code == 2 and "no environment 'prod'" in result.stderr
    result = CliRunner().invoke(main, ["deploy", "--env", ENV, "--manifest",
                                       str(deploy.manifest.parent / "gone.toml")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
    result = deploy()
    assert result.exit_code == 2
    assert "name the environment to deploy: --env development|production|staging" \
        in result.stderr
    assert deploy.calls() == []


def test_stops_at_the_first_failure_shows_wrangler_and_resumes(deploy: Deploy) -> None:
    order = plan_order(deploy.manifest)
    result = deploy("--env", ENV, STANDIN_FAIL="db")
    assert result.exit_code == 1
    assert deploy.deployed() == order[:order.index("db") + 1]  # nothing after the failure
    assert "stand-in failure" in result.output  # wrangler's own output, shown
    assert "FAILED (exit 1)" in result.output
    resume = f"confgen deploy --env {ENV} --manifest {deploy.manifest} --from db"
    assert f"resume with: {resume}" in result.stderr
    deploy.record.unlink()
    again = CliRunner().invoke(main, shlex.split(resume)[1:], env=deploy.env)
    assert again.exit_code == 0, again.output
    assert deploy.deployed() == order[order.index("db"):]


def test_missing_secrets_are_all_listed_before_any_step(deploy: Deploy) -> None:
    result = deploy("--env", ENV, JWT_SECRET=None, DATABASE_URL=None, WORKOS_API_KEY="")
    assert result.exit_code == 1
    assert ("3 secret value(s) missing, set them in environment variables of the same name: "
            "DATABASE_URL, JWT_SECRET, WORKOS_API_KEY") in result.stderr
    assert deploy.calls() == [] and not deploy.record.exists()  # not even --version ran


def test_a_dry_run_stands_in_for_missing_secrets(deploy: Deploy) -> None:
    result = deploy("--env", ENV, "--dry-run", JWT_SECRET=None)
    assert result.exit_code == 0, result.output
    assert "secret JWT_SECRET: from a placeholder" in result.output
    calls = deploy.calls()
    assert all(c["args"][-3:-1] == ["--dry-run", "--outdir"] for c in calls)
    assert "checked (dry run)" in result.output


def test_secret_values_appear_in_no_output_and_no_file(deploy: Deploy) -> None:
    values = [value_of(n) for n in secret_names(deploy.manifest)]
    outputs = [deploy("--env", ENV, STANDIN_FAIL="auth"),  # wrangler prints the values
               deploy("--env", ENV, "--format", "json", STANDIN_FAIL="db"),
               deploy("--env", ENV, "--dry-run")]
    assert "***" in outputs[0].output  # the stand-in's echo of them, redacted
    for result in outputs:
        for value in values:
            assert value not in result.output
    leaked = [str(p) for root in (deploy.manifest.parent, deploy.tmpdir, deploy.record.parent)
              for p in root.rglob("*") if p.is_file()
              and any(v.encode() in p.read_bytes() for v in values)]
    assert leaked == []
    assert list(deploy.tmpdir.iterdir()) == []


def test_a_secrets_file_wins_over_the_environment(deploy: Deploy, tmp_path: Path) -> None:
    given = tmp_path / "prod.env"
    given.write_text("# staging secrets\nexport JWT_SECRET='from-file'\nDATABASE_URL=\"x\"\n")
    result = deploy("--env", ENV, "--only", "auth,db", "--secrets-file", str(given))
    assert result.exit_code == 0, result.output
    assert f"secret JWT_SECRET: from file {given}" in result.output
    assert "secret CLICKHOUSE_PASSWORD: from environment" in result.output
    auth = next(c for c in deploy.calls() if c["worker"] == "auth")
    assert auth["secrets"]["JWT_SECRET"] == hashlib.sha256(b"from-file").hexdigest()
    given.write_text("JWT_SECRET=ok\nthis is not a line\n")
    result = deploy("--env", ENV, "--secrets-file", str(given))
    assert result.exit_code == 1
    assert f"{given}:2: expected NAME=value (JSON or .env format)" in result.stderr
    assert "ok" not in result.stderr.split(str(given))[-1]  # no value in the message


def test_json_log_is_one_object_per_line(deploy: Deploy) -> None:
    result = deploy("--env", ENV, "--format", "json", STANDIN_FAIL="gateway")
    assert result.exit_code == 1
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[0]["event"] == "start" and events[0]["wrangler"]["version"] == "4.164.0"
    steps = [e for e in events if e["event"] == "step"]
    assert [e["status"] for e in steps] == ["ok"] * (len(steps) - 1) + ["failed"]
    assert steps[-1]["worker"] == "gateway" and "stand-in failure" in steps[-1]["output"]
    assert all(isinstance(e["seconds"], float) for e in steps)
    assert PRIVATE_FILE in steps[-1]["command"]
    assert events[-1] == {**events[-1], "event": "end", "status": "failed",
                          "resume": f"confgen deploy --env {ENV} --manifest "
                                    f"{deploy.manifest} --from gateway --format json"}


def test_refuses_stale_or_hand_edited_outputs(deploy: Deploy) -> None:
    wrangler_file = deploy.manifest.parent / "workers" / "db" / "wrangler.jsonc"
    wrangler_file.write_text(wrangler_file.read_text().replace("default", "other"))
    result = deploy("--env", ENV)
    assert result.exit_code == 1
    assert "CG413" in result.output and "run `confgen generate`" in result.stderr
    assert deploy.calls() == []


def test_wrangler_version_outside_the_supported_range_is_refused(deploy: Deploy) -> None:
    result = deploy("--env", ENV, STANDIN_VERSION="3.114.0")
    assert result.exit_code == 1
    assert "wrangler 3.114.0" in result.stderr and "is not supported" in result.stderr
    assert deploy.calls() == []


def test_the_pinned_wrangler_is_in_the_supported_range() -> None:
    pins = json.loads((REPO / "tests" / "wrangler" / "package.json").read_text())
    pinned = tuple(int(x) for x in pins["dependencies"]["wrangler"].split("."))
    assert SUPPORTED_MIN <= pinned < SUPPORTED_BELOW


def test_wrangler_is_found_as_users_have_it(tmp_path: Path) -> None:
    project = tmp_path / "project"
    bin_dir = project / "node_modules" / ".bin"
    bin_dir.mkdir(parents=True)
    path_dir = tmp_path / "path"
    path_dir.mkdir()
    (path_dir / "npx").write_text("#!/bin/sh\n")
    (path_dir / "npx").chmod(0o755)
    env = {"PATH": str(path_dir)}
    assert locate(project, env) == ((str(path_dir / "npx"), "wrangler"), "npx wrangler")
    local = bin_dir / "wrangler"
    local.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {STAND_IN} \"$@\"\n")
    local.chmod(0o755)
    assert locate(project, env)[0] == (str(local),)
    (project / "infra").mkdir()
    assert locate(project / "infra", env)[0] == (str(local),)  # node_modules above it
    assert find(project, env).version == "4.164.0"
    assert locate(project, {**env, "WRANGLER": "pnpm exec wrangler"})[0] == \
        ("pnpm", "exec", "wrangler")
    with pytest.raises(WranglerError, match="wrangler not found"):
        locate(tmp_path / "elsewhere", {"PATH": str(tmp_path / "empty")})


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_removes_the_secrets_file_and_says_how_to_resume(
        signum: signal.Signals, bundled_copy: Path, tmp_path: Path) -> None:
    record, tmpdir = tmp_path / "record.jsonl", tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {**os.environ, "WRANGLER": shlex.join([sys.executable, str(STAND_IN)]),
           "STANDIN_RECORD": str(record), "STANDIN_HANG": "auth", "TMPDIR": str(tmpdir),
           **{n: value_of(n) for n in secret_names(bundled_copy)}}
    proc = subprocess.Popen([sys.executable, "-m", "confgen", "deploy", "--env", ENV],
                            cwd=bundled_copy.parent, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (record.exists() and '"auth"' in record.read_text()):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    secrets_file = Path(json.loads(record.read_text().splitlines()[-1])["secrets_file"])
    assert secrets_file.exists()  # the hanging step holds its secrets file
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert not secrets_file.exists() and list(tmpdir.iterdir()) == []
    assert "interrupted during step" in err and "(auth)" in err
    assert f"resume with: confgen deploy --env {ENV} --from auth" in err
    assert all(value_of(n) not in out + err for n in secret_names(bundled_copy))


def test_a_manifest_without_environments_deploys_its_top_level(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "project.toml"
    manifest.write_text((REPO / "tests" / "golden" / "no_environments" / "project.toml")
                        .read_text())
    assert CliRunner().invoke(main, ["generate", "--manifest", str(manifest)]).exit_code == 0
    run = Deploy(manifest, tmp_path, monkeypatch, env=None)
    result = run()
    assert result.exit_code == 0, result.output
    assert run.deployed() == plan_order(manifest, None)
    assert all("-e" not in c["args"] for c in run.calls())


def test_plan_prints_where_each_secret_comes_from() -> None:
    data = {"project": {"name": "p", "compatibility_date": "2025-10-01"},
            "environments": {"production": {"namespace": "p-production"}},
            "defaults": {"main": "src/index.js"},
            "workers": {"app": {"deploy": "namespace", "secrets": ["TOKEN"]}}}
    (step,) = plan(resolve.build(data), "production")
    assert step.commands == (("wrangler deploy -c workers/app/wrangler.jsonc -e production "
                             "--dispatch-namespace p-production "
                             "--secrets-file app.production.secrets.json"),)
