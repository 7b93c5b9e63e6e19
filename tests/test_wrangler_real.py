"""The committed generated wrangler files, checked by the real pinned wrangler (4.164.0).

Covers the bundled project (the repository root) and every golden scenario
(tests/golden/*/project.toml), using the files as committed, not a fresh generate:

1. every generated wrangler file validates against wrangler's own config-schema.json;
2. `wrangler deploy --dry-run` (without `-e`, and with `-e <env>` for every environment the
   worker takes part in) exits 0 without warnings, and its bindings table lists exactly the
   bindings confgen's model gives that worker in that environment;
3. `wrangler dev` runs two generated workers, and a request crosses their service binding.

Needs `scripts/install-wrangler`; without it these tests fail (never skip).
"""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import json5
import pytest
import tomllib
import wrangler_tool as wt
from expected_bindings import (
    any_values,
    copied_rows,
    expected_rows,
    expected_tail_consumers,
    multiset_diff,
    printed_var,
)
from jsonschema import Draft7Validator

from confgen.generate import generate
from confgen.model import Config, Project, Worker
from confgen.validate import validate_file

pytestmark = pytest.mark.wrangler

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"

# scenario name -> manifest; "bundled" is the repository's own project.toml
SCENARIOS: dict[str, Path] = {
    "bundled": REPO / "project.toml",
    **{p.parent.name: p for p in sorted(GOLDEN.glob("*/project.toml"))},
}

# The only warning a generated file may get: `deploy` without `-e` on a file that has
# `env.*` sections. It is wrangler's nudge to name the target environment, printed for any
# file with environments whatever they contain, so it is unavoidable once the manifest
# declares environments (the spec requires one `env.<env>` section per environment).
NO_TARGET_ENV_WARNING = (
    "▲ [WARNING] Multiple environments are defined in the Wrangler configuration file, but no "
    "target environment was specified for the deploy command."
)
# wrangler's warning for a binding kind written at the top level but not in the environment
# being deployed (measured: `"kv_namespaces" exists at the top level, but not on
# "env.production".` followed by `... is not inherited by environments.`).
NOT_INHERITED_MARKERS = ("exists at the top level, but not on", "is not inherited by environments")


# --------------------------------------------------------------------------- the model


@cache
def project_of(scenario: str) -> Project:
    result = validate_file(SCENARIOS[scenario])
    if result.project is None or result.errors:
        shown = "\n".join(f"  {d.file}:{d.line}:{d.column}: {d.code} {d.message}"
                          for d in result.diagnostics)
        raise AssertionError(f"{SCENARIOS[scenario]} does not validate:\n{shown}")
    return result.project


def root_of(scenario: str) -> Path:
    return SCENARIOS[scenario].parent


def _outputs(scenario: str) -> list[str]:
    try:
        return [w.output for w in project_of(scenario).workers]
    except AssertionError:
        return []  # test_manifests_validate reports it


@dataclass(frozen=True)
class Combo:
    """One dry-run: a worker of a scenario, in one environment (None: no `-e`)."""

    scenario: str
    worker: str
    env: str | None

    @property
    def id(self) -> str:
        return f"{self.scenario}-{self.worker}-{self.env or 'top'}"

    def model(self) -> tuple[Worker, Config]:
        project = project_of(self.scenario)
        worker = project.worker(self.worker)
        assert worker is not None
        if self.env is None:
            return worker, worker.top
        config = next((c for c in worker.envs if c.env == self.env), None)
        assert config is not None, (
            f"the model has no env {self.env!r} for worker {self.worker!r} "
            f"(it has {[c.env for c in worker.envs]})")
        return worker, config

    def config_path(self) -> Path:
        worker, _ = self.model()
        return root_of(self.scenario) / worker.output


def _combos() -> list[Combo]:
    out: list[Combo] = []
    for scenario in SCENARIOS:
        try:
            project = project_of(scenario)
        except AssertionError:
            continue  # test_manifests_validate reports it
        for worker in project.workers:  # the environments each worker takes part in
            for config in worker.configs:
                out.append(Combo(scenario, worker.name, config.env))
    return out


FILES = [(s, rel) for s in SCENARIOS for rel in _outputs(s)]
COMBOS = _combos()


def test_manifests_validate() -> None:
    for scenario in SCENARIOS:
        project_of(scenario)


def test_committed_wrangler_files_are_exactly_the_models_outputs() -> None:
    """Every worker has its committed file, and no other wrangler file sits in a worker
    folder (wrangler silently prefers wrangler.json > wrangler.jsonc > wrangler.toml)."""
    for scenario in SCENARIOS:
        project = project_of(scenario)
        root = root_of(scenario)
        expected = {w.output for w in project.workers}
        found = set()
        for w in project.workers:
            folder = root / w.dir
            found |= {p.relative_to(root).as_posix() for p in folder.glob("wrangler.*")}
        assert found == expected, f"{scenario}: committed {sorted(found)}, model {sorted(expected)}"


def test_there_is_a_dry_run_per_worker_and_environment() -> None:
    assert len(COMBOS) >= 60
    assert {"bundled-gateway-production", "bundled-dispatcher-top",
            "no_environments-storefront-top", "toml_output-notes-staging"} <= {
        c.id for c in COMBOS}


# --------------------------------------------------------------------------- 1. the schema


@cache
def _validator() -> Draft7Validator:
    schema = wt.config_schema()
    return Draft7Validator(schema)


def test_wrangler_schema_is_draft7_rooted_at_raw_config() -> None:
    schema = wt.config_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["allOf"] == [{"$ref": "#/definitions/RawConfig"}]
    Draft7Validator.check_schema(schema)
    raw = schema["definitions"]["RawConfig"]
    assert raw["additionalProperties"] is False
    # the validator really enforces it (a control, so a pass below means something)
    bad = {"name": "a", "main": "index.js", "bogus": 1, "env": {"x": {"bogus": 2}}}
    paths = {tuple(e.absolute_path) for e in _validator().iter_errors(bad)}
    assert paths, "the schema accepted unknown keys"


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    return json5.loads(text)


def _schema_errors(data: Any) -> list[str]:
    out = []
    for e in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = "/".join(map(str, e.absolute_path)) or "<root>"
        details = "".join(f"\n      {'/'.join(map(str, c.absolute_path))}: {c.message}"
                          for c in e.context or [])
        out.append(f"  {where}: {e.message}{details}")
    return out


@pytest.mark.parametrize(("scenario", "rel"), FILES, ids=[f"{s}-{r}" for s, r in FILES])
def test_generated_file_validates_against_wrangler_schema(scenario: str, rel: str) -> None:
    path = root_of(scenario) / rel
    errors = _schema_errors(_load(path))
    assert not errors, f"{path} breaks wrangler's config-schema.json:\n" + "\n".join(errors)


# --------------------------------------------------------------------------- 2. dry-runs

@cache
def dry_run_of(combo: Combo) -> wt.DryRun:
    """One run per combination, shared by the tests below. Sequential on purpose: the 68 runs
    take ~85 s in all (~1.3 s each), under the ~3 minutes that would call for running them
    concurrently (and runs on configs in one folder must not overlap: wrangler bundles into
    <config folder>/.wrangler/tmp, which the harness removes after each run)."""
    return wt.dry_run(combo.config_path(), combo.env)


def _context(combo: Combo, result: wt.DryRun) -> str:
    flag = f" -e {combo.env}" if combo.env is not None else ""
    return (f"wrangler deploy --dry-run -c {combo.config_path().relative_to(REPO)}{flag}\n"
            f"--- output ---\n{result.output}")


def removes(combo: Combo) -> bool:
    """The manifest's env section removes something wrangler's top level has (`unset`)."""
    raw = project_of(combo.scenario).data["workers"][combo.worker]
    return bool(raw.get("env", {}).get(combo.env, {}).get("unset"))


@pytest.mark.parametrize("combo", COMBOS, ids=[c.id for c in COMBOS])
def test_dry_run_is_clean(combo: Combo) -> None:
    worker, _ = combo.model()
    result = dry_run_of(combo)
    assert result.returncode == 0 and not result.errors, _context(combo, result)
    unexpected = [w for w in result.warnings if "Unexpected fields" in w]
    assert not unexpected, _context(combo, result)
    not_inherited = [w for w in result.warnings if any(m in w for m in NOT_INHERITED_MARKERS)]
    if combo.env is not None and removes(combo):  # what the manifest removes, wrangler notes
        result = dataclasses.replace(result, warnings=[
            w for w in result.warnings if w not in not_inherited
            and "exist at the top level, but not on" not in w])
        not_inherited = []
    assert not not_inherited, _context(combo, result)
    allowed = NO_TARGET_ENV_WARNING if combo.env is None and worker.envs else None
    others = [w for w in result.warnings if allowed is None or not w.startswith(allowed)]
    assert not others, _context(combo, result)


@pytest.mark.parametrize("combo", COMBOS, ids=[c.id for c in COMBOS])
def test_dry_run_bindings_equal_the_model(combo: Combo) -> None:
    """(name, kind, printed value) rows as a multiset; secrets are never printed (wrangler only
    uses `secrets.required` for its duplicate-name check), so they are not compared here."""
    _, config = combo.model()
    result = dry_run_of(combo)
    assert result.returncode == 0, _context(combo, result)
    worker, _ = combo.model()
    expected = expected_rows(config) + Counter(
        copied_rows(config, lambda key: worker.effective(config, key)))
    printed = any_values(Counter((b.name, b.kind, b.value) for b in result.bindings), expected)
    diff = multiset_diff(expected, printed)
    assert not diff, f"bindings table != model:\n{diff}\n{_context(combo, result)}"
    tails = multiset_diff(expected_tail_consumers(config), Counter(result.tail_consumers))
    assert not tails, f"tail consumers != model:\n{tails}\n{_context(combo, result)}"


TRICKY_VARS: dict[str, Any] = {
    "S39": "x" * 39,
    "S40": "y" * 40,
    "LONG": "https://clickhouse.internal.example.do:8443/some/long/path",
    "NL": "two\nlines",
    "QUOTES": 'say "hi" \\ there',
    "ASTRAL": "ab" + "😀" * 20,  # the cut at 37 UTF-16 units splits a surrogate pair
    "EMPTY": "",
    "INT": 50,
    "FLOAT_INTEGRAL": 1.0,
    "FLOAT_SMALL": 1e-7,
    "FLOAT": 0.5,
    "BIG": 1e21,
    "BOOL": False,
    "OBJ": {"b": 1, "2": [True, None], "a": {"k": "v\"q"}},
    "LONG_OBJ": {"search": True, "tags": ["alpha", "beta", "gamma", "delta"]},
}


def test_printed_var_matches_wrangler(tmp_path: Path) -> None:
    """The helper's picture of how wrangler prints vars (quoting, JSON text, numbers, the
    40-unit cut) is itself checked against the real wrangler, so the comparisons above mean
    what they say."""
    (tmp_path / "index.js").write_text("export default { fetch() { return new Response('') } }\n")
    config = tmp_path / "wrangler.jsonc"
    config.write_text(json.dumps({"name": "a", "main": "index.js",
                                  "compatibility_date": "2025-10-01", "vars": TRICKY_VARS}))
    result = wt.dry_run(config, None)
    assert result.returncode == 0, result.output
    printed = {b.name: b.value for b in result.bindings}
    expected = {name: printed_var(value) for name, value in TRICKY_VARS.items()}
    assert printed == expected, result.output


# --------------------------------------------------------------------------- 3. wrangler dev

SCRATCH_MANIFEST = """\
[project]
name = "scratch"
compatibility_date = "2025-10-01"

[defaults]
main = "src/index.js"

[workers.front]
services = [{ binding = "BACK", service = "back" }]

[workers.back]
vars = { WHO = "back-top" }
"""

FRONT_JS = """\
export default {
  async fetch(request, env) {
    const r = await env.BACK.fetch(request);
    return new Response("front<" + r.status + ":" + (await r.text()) + ">");
  },
};
"""

BACK_JS = """\
export default {
  async fetch(request, env) {
    return new Response(env.WHO + " " + new URL(request.url).pathname);
  },
};
"""


def generate_front_and_back(root: Path, manifest_text: str) -> tuple[Path, Path]:
    """Write the scratch manifest and both workers' sources, generate, return the configs."""
    manifest = root / "project.toml"
    manifest.write_text(manifest_text, encoding="utf-8")
    for name, js in (("front", FRONT_JS), ("back", BACK_JS)):
        src = root / "workers" / name / "src"
        src.mkdir(parents=True)
        (src / "index.js").write_text(js, encoding="utf-8")
    done = generate(manifest)
    assert done.ok, done.diagnostics
    return root / "workers/front/wrangler.jsonc", root / "workers/back/wrangler.jsonc"


def test_dev_generated_workers_cross_a_service_binding(tmp_path: Path) -> None:
    front, back = generate_front_and_back(tmp_path, SCRATCH_MANIFEST)
    assert json5.loads(front.read_text())["services"] == [{"binding": "BACK", "service": "back"}]
    assert json5.loads(back.read_text())["name"] == "back"

    with (
        wt.dev([front, back], port=wt.free_port()) as base,
        urllib.request.urlopen(base + "/crossed/path", timeout=30) as resp,
    ):
        assert resp.status == 200
        assert resp.read().decode() == "front<200:back-top /crossed/path>"


def test_dev_in_an_environment_crosses_to_that_environments_script(tmp_path: Path) -> None:
    """In env.staging, front's binding targets back-staging, the script of back's staging
    section; wrangler dev runs both sections and the request reaches the staging one."""
    front, back = generate_front_and_back(
        tmp_path,
        SCRATCH_MANIFEST.replace("[defaults]", "[environments.staging]\n\n[defaults]")
        + '\n[workers.back.env.staging]\nvars = { WHO = "back-staging" }\n')
    staging = json5.loads(front.read_text())["env"]["staging"]
    assert staging["services"] == [{"binding": "BACK", "service": "back-staging"}]

    with (
        wt.dev([front, back], port=wt.free_port(), env="staging") as base,
        urllib.request.urlopen(base + "/staged", timeout=30) as resp,
    ):
        assert resp.read().decode() == "front<200:back-staging /staged>"


# --------------------------------------------------------------------------- 4. the surface


def test_a_worker_outside_an_environment_cannot_be_deployed_there() -> None:
    """`site` takes part in production only (`environments`): its file has no staging section,
    so `wrangler deploy -e staging` fails instead of creating a stray `site-staging` script."""
    site = project_of("wrangler_surface").worker("site")
    assert site is not None and [c.env for c in site.envs] == ["production"]
    result = wt.dry_run(root_of("wrangler_surface") / site.output, "staging")
    assert result.returncode != 0
    assert any('No environment found in configuration with name "staging"' in e
               for e in result.errors), result.output


def test_durable_object_bound_from_another_worker_follows_the_environment() -> None:
    """chat_api binds rooms' Room class: wrangler resolves it to rooms-<env> in each env."""
    printed = {c.env: dry_run_of(Combo("wrangler_surface", "chat_api", c.env)).binding("ROOM")
               for c in project_of("wrangler_surface").worker("chat_api").configs}  # type: ignore[union-attr]
    assert printed[None].value == "Room, defined in rooms"
    assert printed["staging"].value == "Room, defined in rooms-staging"
    assert printed["production"].value == "Room, defined in rooms-production"
