"""The typed Env confgen writes for every worker (confgen/envtypes.py).

* Its Env part equals what the pinned `wrangler types --include-runtime=false` writes
  for the same generated wrangler file: every interface (the base, where a binding
  missing from the top level or any environment is optional, and one per environment),
  every member, its optionality and its type.
* The real TypeScript compiler (pinned tsc 5.9 + @cloudflare/workers-types) accepts the
  bundled workers and a worker that uses every binding kind against it, and rejects
  code that uses a binding some environment lacks without checking it.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from typescript_tool import copy_worker, tsc, wrangler_types

from confgen import envtypes
from confgen.generate import generate

pytestmark = pytest.mark.wrangler

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "tests" / "cases" / "clean_code_every_binding_kind"
GOLDEN = REPO / "tests" / "golden"

Interfaces = dict[str, dict[str, tuple[bool, frozenset[str]]]]


def interfaces(text: str) -> Interfaces:
    """Env interfaces of a declaration: member -> (optional, the union's members)."""
    return {name: {m: (optional, frozenset(t.strip() for t in typ.split(" | ")))
                   for m, optional, typ in rows}
            for name, rows in envtypes.parse_back(text).items()}


def generated_copy(tmp_path: Path, manifest: Path) -> Path:
    """A scratch copy of a project (manifest and workers/), generated afresh."""
    root = tmp_path / manifest.parent.name
    root.mkdir()
    shutil.copy(manifest, root / "project.toml")
    if (manifest.parent / "workers").is_dir():
        shutil.copytree(manifest.parent / "workers", root / "workers",
                        ignore=shutil.ignore_patterns("wrangler.*", "*.d.ts", "*.pyi"))
    done = generate(root / "project.toml", force=True)
    assert done.ok, done.diagnostics
    return root


SCENARIOS = [
    (REPO / "project.toml", ["api", "auth", "db", "gateway", "schedule"]),
    (GOLDEN / "three_environments" / "project.toml", ["edge", "router", "app"]),
    (GOLDEN / "no_environments" / "project.toml", ["storefront", "inventory"]),
    (GOLDEN / "toml_output" / "project.toml", ["notes", "search"]),
    (CASE / "project.toml", ["app"]),
]


@pytest.mark.parametrize(("manifest", "workers"), SCENARIOS,
                         ids=["bundled", "three_environments", "no_environments",
                              "toml_output", "every_binding_kind"])
def test_env_part_equals_what_wrangler_types_writes(tmp_path: Path, manifest: Path,
                                                    workers: list[str]) -> None:
    root = generated_copy(tmp_path, manifest)
    for worker in workers:
        folder = root / "workers" / worker
        config = next(folder.glob("wrangler.*"))
        ours = interfaces((folder / envtypes.TS_OUTPUT).read_text())
        theirs = interfaces(wrangler_types(config))
        assert ours == theirs, (worker, ours, theirs)
        assert ours["__BaseEnv_Env"], worker  # every scenario worker has bindings


def test_one_environment_is_what_wrangler_types_writes_for_it(tmp_path: Path) -> None:
    """`wrangler types --env production` gives that environment alone: our
    Cloudflare.ProductionEnv has exactly its members and types."""
    root = generated_copy(tmp_path, GOLDEN / "three_environments" / "project.toml")
    folder = root / "workers" / "edge"
    ours = interfaces((folder / envtypes.TS_OUTPUT).read_text())["ProductionEnv"]
    theirs = interfaces(wrangler_types(folder / "wrangler.jsonc", "production"))
    assert ours == theirs["__BaseEnv_Env"]
    assert ours["REGION"] == (False, frozenset({'"eu"'}))


def _typecheck(root: Path, worker: str, tmp_path: Path) -> tuple[int, str]:
    folder = copy_worker(root / "workers" / worker, tmp_path / f"tsc-{worker}")
    result = tsc(folder, ["**/*.ts", "**/*.tsx"])
    return result.returncode, result.stdout + result.stderr


def test_bundled_workers_type_check_against_their_env(tmp_path: Path) -> None:
    root = generated_copy(tmp_path, REPO / "project.toml")
    for worker in ("api", "auth", "db", "email", "gateway", "mcp", "queue", "schedule",
                   "webhooks"):
        code, out = _typecheck(root, worker, tmp_path)
        assert code == 0, (worker, out)


def test_every_binding_kind_type_checks(tmp_path: Path) -> None:
    root = generated_copy(tmp_path, CASE / "project.toml")
    text = (root / "workers/app" / envtypes.TS_OUTPUT).read_text()
    for typ in ("KVNamespace", "D1Database", "R2Bucket", "Queue", "DispatchNamespace",
                "Fetcher /* billing */", 'DurableObjectNamespace<import("./src/index").Counter>',
                "Workflow<", "Ai", "VectorizeIndex", "Hyperdrive", "AnalyticsEngineDataset",
                "SendEmail", "WorkerVersionMetadata", "RateLimit"):
        assert f": {typ}" in text, typ
    assert 'STAGE: "local" | "production" | "staging";' in text
    assert 'LIMITS: {"burst":5};' in text and "LIMIT: 10;" in text and "ENABLED: true;" in text
    code, out = _typecheck(root, "app", tmp_path)
    assert code == 0, out


def test_the_compiler_catches_a_binding_some_environment_lacks(tmp_path: Path) -> None:
    """REGION exists in production only: it is optional in Env, so unchecked use fails,
    and a var's literal type rejects a value no environment gives it."""
    root = generated_copy(tmp_path, GOLDEN / "three_environments" / "project.toml")
    folder = root / "workers" / "edge" / "src"
    (folder / "index.js").unlink()
    (folder / "index.ts").write_text(
        "export default {\n"
        "  async fetch(request: Request, env: Env): Promise<Response> {\n"
        "    const region: string = env.REGION;\n"
        "    const level: \"debug\" = env.LOG_LEVEL;\n"
        "    return new Response(region + level);\n"
        "  },\n"
        "};\n")
    code, out = _typecheck(root, "edge", tmp_path)
    assert code != 0
    assert "src/index.ts(3,11): error TS2322" in out  # string | undefined -> string
    assert "src/index.ts(4,11): error TS2322" in out  # "error" | "info" -> "debug"


def test_python_worker_gets_a_stub_with_literal_vars() -> None:
    text = (REPO / "workers/dispatcher/src" / envtypes.PY_OUTPUT).read_text()
    tree = ast.parse(text)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    assert {"Env", "ProductionEnv", "StagingEnv", "DevelopmentEnv"} <= set(classes)
    fields = {n.target.id: ast.unparse(n.annotation) for n in classes["Env"].body
              if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    assert fields == {"ENVIRONMENT": "Literal['development', 'production', 'staging']",
                      "DEVELOPMENT": "DispatchNamespace", "PRODUCTION": "DispatchNamespace",
                      "STAGING": "DispatchNamespace"}
