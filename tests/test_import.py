"""`confgen import`: a folder of wrangler files -> project.toml, proven equal.

These tests need no wrangler: they check what import writes and reports. The proof itself
is checked against the pinned wrangler in tests/test_import_meaning.py (the normalization)
and tests/test_import_corpus.py (real repositories, read back by wrangler)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from confgen import fs, importer
from confgen.cli import main
from confgen.compat import tomllib
from confgen.generate import generate
from confgen.importer.prove import DIFFERS, EQUAL
from confgen.validate import validate_file

GOLDEN = Path(__file__).resolve().parent / "golden"

API = """\
# The public API.
# Deployed by CI on every merge.
name = "api"
main = "src/index.ts"
compatibility_date = "2025-06-01"
compatibility_flags = ["nodejs_compat"]
routes = [{ pattern = "api.example.dev/*", zone_name = "example.dev" }]
services = [{ binding = "AUTH", service = "auth", entrypoint = "Auth" }]
tail_consumers = [{ service = "tail" }]
kv_namespaces = [{ binding = "OAUTH", id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }]

[triggers]
crons = ["*/5 * * * *"]

[vars]
LOG_LEVEL = "debug"

[env.staging]
routes = [{ pattern = "api.staging.example.dev/*", zone_name = "example.dev" }]
services = [{ binding = "AUTH", service = "auth-staging", entrypoint = "Auth" }]
tail_consumers = [{ service = "tail-staging" }]
kv_namespaces = [{ binding = "OAUTH", id = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" }]
vars = { LOG_LEVEL = "info" }

[env.production]
name = "api-prod"
routes = [{ pattern = "api.example.com/*", zone_name = "example.com" }]
services = [{ binding = "AUTH", service = "auth-production", entrypoint = "Auth" }]
tail_consumers = [{ service = "tail-production" }]
kv_namespaces = [{ binding = "OAUTH", id = "cccccccccccccccccccccccccccccccc" }]
triggers = { crons = [] }
vars = { LOG_LEVEL = "warn" }
"""

AUTH = """\
{
  // sessions live in the same KV namespace as api's OAUTH
  "name": "auth",
  "main": "src/index.ts",
  "compatibility_date": "2025-06-01",
  "compatibility_flags": ["nodejs_compat"],
  "kv_namespaces": [{ "binding": "SESSIONS", "id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }],
  "d1_databases": [{ "binding": "DB", "database_name": "users",
                     "database_id": "11111111-2222-4333-8444-555555555555" }],
  "observability": { "enabled": true },
  "env": {
    "staging": {
      "kv_namespaces": [{ "binding": "SESSIONS", "id": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" }],
      "d1_databases": [{ "binding": "DB", "database_name": "users-staging",
                         "database_id": "11111111-2222-4333-8444-666666666666" }],
    },
    "production": {
      "kv_namespaces": [{ "binding": "SESSIONS", "id": "cccccccccccccccccccccccccccccccc" }],
      "d1_databases": [{ "binding": "DB", "database_name": "users",
                         "database_id": "11111111-2222-4333-8444-555555555555" }],
    },
  },
}
"""

WEB = {
    "name": "web", "main": "src/index.ts", "compatibility_date": "2025-06-01",
    "compatibility_flags": ["nodejs_compat"],
    "services": [{"binding": "API", "service": "api"}, {"binding": "BILLING", "service": "billing"}],
    "dispatch_namespaces": [{"binding": "TENANTS", "namespace": "tenants-dev"}],
    "ai": {"binding": "AI"},
    "placement": {"mode": "smart"},
    "env": {
        "staging": {
            "services": [{"binding": "API", "service": "api-staging"},
                         {"binding": "BILLING", "service": "billing"}],
            "dispatch_namespaces": [{"binding": "TENANTS", "namespace": "tenants-staging"}],
            "ai": {"binding": "AI"},
        },
        "production": {
            "services": [{"binding": "API", "service": "api-prod"},
                         {"binding": "BILLING", "service": "billing"}],
            "dispatch_namespaces": [{"binding": "TENANTS", "namespace": "tenants-production"}],
        },
    },
}

TAIL = """\
name = "tail"
main = "src/index.ts"
compatibility_date = "2025-06-01"
compatibility_flags = ["nodejs_compat"]

[env.staging]

[env.production]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """A monorepo of four workers in two environments, every binding kind import maps."""
    write(tmp_path / "apps" / "api" / "wrangler.toml", API)
    write(tmp_path / "apps" / "auth" / "wrangler.jsonc", AUTH)
    write(tmp_path / "apps" / "web" / "wrangler.json", json.dumps(WEB, indent=2))
    write(tmp_path / "tail" / "wrangler.toml", TAIL)
    write(tmp_path / "node_modules" / "x" / "wrangler.toml", "not = [toml")  # never read
    write(tmp_path / ".github" / "wrangler.toml", "not = [toml")  # never read
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


def codes(done: importer.Imported) -> list[tuple[str, str, int]]:
    return [(d.code, d.file, d.line) for d in done.diagnostics]


# --------------------------------------------------------------------------- a clean import


def test_a_monorepo_imports_with_every_pair_proven_equal(fleet: Path) -> None:
    done = importer.run(fleet)
    assert [d for d in done.diagnostics if d.severity == "error"] == []
    assert done.ok
    assert {p.state for p in done.pairs} == {EQUAL}
    assert len(done.pairs) == 4 * 3
    assert done.adopted == ("apps/api/wrangler.toml", "apps/auth/wrangler.jsonc",
                            "apps/web/wrangler.json", "tail/wrangler.toml")
    assert validate_file(fleet / "project.toml").errors == 0


def test_the_manifest_recovers_the_structure_the_files_repeat(fleet: Path) -> None:
    importer.run(fleet)
    data = tomllib.loads((fleet / "project.toml").read_text())
    assert data["project"]["external_services"] == ["billing"]
    assert data["defaults"] == {"main": "src/index.ts", "compatibility_date": "2025-06-01",
                                "compatibility_flags": ["nodejs_compat"]}
    assert set(data["environments"]) == {"production", "staging"}
    api, auth, web = (data["workers"][w] for w in ("api", "auth", "web"))
    # each worker keeps its folder, file name and format
    assert (api["path"], auth["path"], web["path"]) == ("apps/api", "apps/auth", "apps/web")
    assert (auth["format"], web["format"]) == ("jsonc", "json")
    assert data["project"]["format"] == "toml"
    assert data["workers"]["tail"]["path"] == "tail"
    # `<worker>-<env>` and an env's own script name become references to the manifest worker
    assert api["services"] == [{"binding": "AUTH", "service": "auth", "entrypoint": "Auth"}]
    assert web["services"][0] == {"binding": "API", "service": "api"}
    assert api["tail_consumers"] == [{"service": "tail"}]
    assert "services" not in api["env"]["staging"]
    assert api["env"]["production"]["name"] == "api-prod"
    # one KV namespace bound by two workers under two names: one resource, names kept
    (rid, kv), = data["resources"]["kv"].items()
    assert kv == {"id": "a" * 32, "env": {"production": {"id": "c" * 32},
                                          "staging": {"id": "b" * 32}}}
    assert api["kv_namespaces"] == [{"binding": "OAUTH", "resource": rid}]
    assert auth["kv_namespaces"] == [{"binding": "SESSIONS", "resource": rid}]
    # a dispatch namespace with a name per environment
    (nid, ns), = data["dispatch_namespaces"].items()
    assert ns == {"binding": "TENANTS", "namespace": {
        "production": "tenants-production", "staging": "tenants-staging", "default": "tenants-dev"}}
    assert web["dispatch_namespaces"] == [{"namespace": nid}]
    # routes and crons: inherited unless an environment changes them
    assert api["triggers"] == {"crons": ["*/5 * * * *"]}
    assert api["env"]["production"]["triggers"] == {"crons": []}
    assert "triggers" not in api["env"]["staging"]
    # every wrangler key written natively; one wrangler does not inherit, absent in one
    # environment, is removed there with `unset`
    assert (web["ai"], web["placement"]) == ({"binding": "AI"}, {"mode": "smart"})
    assert web["env"]["production"] == {"unset": ["ai"]}
    assert "staging" not in web["env"]  # the same as the top level: nothing to say
    assert "environments" not in api  # every file has both environments


def test_the_manifest_is_commented_and_keeps_top_level_toml_comments(fleet: Path) -> None:
    importer.run(fleet)
    text = (fleet / "project.toml").read_text()
    assert text.startswith("# Written by `confgen import`")
    api = text.index("[workers.api]")
    assert text[api:].startswith("[workers.api]\n# from apps/api/wrangler.toml\n"
                                 "# The public API.\n# Deployed by CI on every merge.\n")
    # a JSONC file's comments above its first key too
    auth = text.index("[workers.auth]")
    assert text[auth:].startswith("[workers.auth]\n# from apps/auth/wrangler.jsonc\n"
                                  "# sessions live in the same KV namespace as api's OAUTH\n")


def test_shared_resource_bound_under_two_names_is_a_warning(fleet: Path) -> None:
    done = importer.run(fleet)
    warnings = [d for d in done.diagnostics if d.code == "CG251"]
    assert len(warnings) == 1 and warnings[0].file == "project.toml"


def test_adopted_originals_are_replaced_by_generate_without_force(fleet: Path) -> None:
    importer.run(fleet)
    lock = json.loads((fleet / "confgen.lock").read_text())
    assert set(lock["outputs"]) == {"apps/api/wrangler.toml", "apps/auth/wrangler.jsonc",
                                    "apps/web/wrangler.json", "tail/wrangler.toml"}
    done = generate(fleet / "project.toml")
    assert done.ok, done.diagnostics
    assert set(done.written) >= set(lock["outputs"])
    assert (fleet / "apps/api/wrangler.toml").read_text().startswith("# Generated by confgen")
    # the manifest owns them now: removed files come back
    for path in lock["outputs"]:
        (fleet / path).unlink()
    assert generate(fleet / "project.toml").ok
    assert all((fleet / path).is_file() for path in lock["outputs"])


# --------------------------------------------------------------------------- golden trees


@pytest.mark.parametrize("tree", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_golden_tree_round_trips_byte_for_byte(tree: str, tmp_path: Path) -> None:
    work = tmp_path / tree
    shutil.copytree(GOLDEN / tree, work)
    (work / "project.toml").unlink()
    (work / "confgen.lock").unlink()
    done = importer.run(work)
    assert done.ok, done.diagnostics
    assert {p.state for p in done.pairs} == {EQUAL}
    assert done.files
    for path in done.files:
        (work / path).unlink()
    generated = generate(work / "project.toml")
    assert generated.ok, generated.diagnostics
    for path in done.files:
        assert (work / path).read_bytes() == (GOLDEN / tree / path).read_bytes(), path


# --------------------------------------------------------------------------- hostile inputs


def test_broken_toml_and_jsonc_are_located_and_the_rest_is_imported(fleet: Path) -> None:
    write(fleet / "broken" / "wrangler.toml", 'name = "broken"\nmain = [\n')
    write(fleet / "bad" / "wrangler.jsonc", '{\n  "name": "bad",\n  "main": tru\n}\n')
    done = importer.run(fleet)
    assert ("CG501", "broken/wrangler.toml", 3) in codes(done)
    assert ("CG501", "bad/wrangler.jsonc", 3) in codes(done)
    assert not done.ok
    assert len(done.adopted) == 4  # the four good files are imported and proven
    assert "broken/" not in (fleet / "project.toml").read_text()


def test_two_configs_for_one_worker_name_are_both_imported(fleet: Path) -> None:
    """The first by path keeps the name as its key; the other gets a key from its folder
    (`tail` is taken, so `tail-2`) and says the shared script in `name`."""
    write(fleet / "copy" / "wrangler.toml", TAIL)
    done = importer.run(fleet)
    assert ("CG503", "tail/wrangler.toml", 1) in codes(done)
    assert [p.state for p in done.pairs if p.file == "tail/wrangler.toml"] == ["equal"] * 3
    assert {"copy/wrangler.toml", "tail/wrangler.toml"} <= set(done.adopted)
    data = tomllib.loads((fleet / "project.toml").read_text())
    assert data["workers"]["tail"]["path"] == "copy"
    assert "name" not in data["workers"]["tail"]
    assert data["workers"]["tail-2"]["path"] == "tail"
    assert data["workers"]["tail-2"]["name"] == "tail"
    assert validate_file(fleet / "project.toml").errors == 0


def test_two_wrangler_files_in_one_folder(fleet: Path) -> None:
    write(fleet / "tail" / "wrangler.jsonc", '{"name": "other"}')
    done = importer.run(fleet)
    # wrangler reads wrangler.jsonc before wrangler.toml: so does import
    assert ("CG502", "tail/wrangler.toml", 1) in codes(done)
    assert "tail/wrangler.jsonc" in done.files and "tail/wrangler.toml" not in done.files


def test_env_sections_only_some_files_have(fleet: Path) -> None:
    write(fleet / "solo" / "wrangler.toml", 'name = "solo"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat"]\n'
          '[env.staging]\n')
    write(fleet / "one" / "wrangler.toml", 'name = "one"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat"]\n')
    done = importer.run(fleet)
    assert done.ok, done.diagnostics
    data = tomllib.loads((fleet / "project.toml").read_text())
    # a worker takes part in its file's environments only; none: one script for all
    assert data["workers"]["solo"]["environments"] == ["staging"]
    assert data["workers"]["one"]["environments"] == []
    solo = {p.env: p.state for p in done.pairs if p.file == "solo/wrangler.toml"}
    assert solo == {None: EQUAL, "staging": EQUAL}
    assert {"solo/wrangler.toml", "one/wrangler.toml"} <= set(done.adopted)


def test_absolute_folder_and_absolute_paths_in_a_config(fleet: Path) -> None:
    main_path = str(fleet / "tail" / "src" / "index.ts")
    text = TAIL.replace('main = "src/index.ts"', f"main = {json.dumps(main_path)}")
    write(fleet / "tail" / "wrangler.toml", text)
    code, out = run("import", str(fleet.resolve()))
    assert code == 0, out
    data = tomllib.loads((fleet / "project.toml").read_text())
    assert data["workers"]["tail"]["main"] == main_path  # kept as written: wrangler reads it so
    row = next(line for line in out.splitlines() if line.startswith("tail/wrangler.toml"))
    assert row.split() == ["tail/wrangler.toml", "tail", "equal", "equal", "equal"]


def test_a_symlink_out_of_the_folder_is_not_followed(fleet: Path, tmp_path_factory:
                                                     pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    write(outside / "wrangler.toml", TAIL.replace('"tail"', '"outsider"'))
    os.symlink(outside / "wrangler.toml", fleet / "apps" / "wrangler.toml")
    os.symlink(outside, fleet / "linked")
    done = importer.run(fleet)
    assert ("CG501", "apps/wrangler.toml", 1) in codes(done)
    assert "outsider" not in (fleet / "project.toml").read_text()
    assert not any(f.startswith("linked/") for f in done.files)


def test_what_the_format_cannot_say_is_located_and_the_difference_reported(tmp_path: Path) -> None:
    write(tmp_path / "w" / "wrangler.toml", """\
name = "w"
main = "i.js"
compatibility_date = "2025-06-01"
route = "w.example.com/*"

[[d1_databases]]
binding = "DB"
database_name = "db"
database_id = "11111111-2222-4333-8444-555555555555"
migrations_dir = "drizzle"

[vars]
A = "1"
B = "2"

[[containers]]
class_name = "Box"
image = "./Dockerfile"
instances = 2

[env.dev]
vars = { A = "1" }
""")
    done = importer.run(tmp_path)
    found = {(d.code, d.line): d.message for d in done.diagnostics}
    # `route`, d1 `migrations_dir` and an env without a var are surface shapes: said natively
    assert not any(code in ("CG504", "CG505") and line in (4, 10, 21) for code, line in found)
    # (wrangler gives `w-dev` the top level's route too: two scripts claim it, CG304, which
    # import keeps as the original has it, switched off on its manifest line)
    assert "CG304" in found[("CG507", 4)]
    w = tomllib.loads((tmp_path / "project.toml").read_text())["workers"]["w"]
    assert w["route"] == "w.example.com/*"
    assert w["env"]["dev"]["unset"] == ["containers", "d1_databases", "vars.B"]
    # a key wrangler's schema does not have is left out, and what that changes is located
    assert "unknown key 'instances'" in found[("CG504", 19)]
    assert "top level: containers differs" in found[("CG505", 16)]
    assert {p.env: p.state for p in done.pairs} == {None: DIFFERS, "dev": EQUAL}
    assert done.adopted == ()
    assert validate_file(tmp_path / "project.toml").errors == 0


def test_names_the_manifest_cannot_take_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "a" / "wrangler.json", '{"name": "my_worker", "main": "i.js"}')
    write(tmp_path / "b" / "wrangler.json", '{"main": "i.js"}')
    done = importer.run(tmp_path)
    assert ("CG504", "a/wrangler.json", 1) in codes(done)
    assert ("CG504", "b/wrangler.json", 1) in codes(done)
    assert {p.state for p in done.pairs} == {"not imported"}


# --------------------------------------------------------------------------- the command


def test_refuses_to_replace_a_manifest_without_force(fleet: Path) -> None:
    write(fleet / "project.toml", "[project]\nname = 'mine'\n")
    code, out = run("import", str(fleet))
    assert code == 2 and "already exists" in out
    assert (fleet / "project.toml").read_text() == "[project]\nname = 'mine'\n"
    code, _ = run("import", str(fleet), "--force")
    assert code == 0
    assert "[workers.api]" in (fleet / "project.toml").read_text()


def test_prints_a_worker_by_environment_table(fleet: Path) -> None:
    code, out = run("import", str(fleet))
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("file"))
    assert header.split() == ["file", "worker", "(top)", "production", "staging"]
    assert any(line.split() == [f"{fleet}/apps/api/wrangler.toml", "api", "equal", "equal",
                                "equal"] or line.split()[1:] == ["api", "equal", "equal", "equal"]
               for line in lines)
    assert "12/12 worker x environment pairs" in out


def test_json_format(fleet: Path) -> None:
    write(fleet / "solo" / "wrangler.toml", 'name = "solo"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\nroutes = ["a.example.com/*"]\n')
    write(fleet / "copy" / "wrangler.toml", 'name = "copy"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\nroutes = ["a.example.com/*"]\n'
          '[[containers]]\nclass_name = "B"\nimage = "./D"\ninstances = 1\n')
    code, out = run("import", str(fleet), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert (data["pairs_equal"], data["pairs_total"]) == (13, 14)
    solo = next(w for w in data["workers"] if w["file"] == "solo/wrangler.toml")
    assert solo == {"file": "solo/wrangler.toml", "worker": "solo",
                    "environments": {"(top)": "equal"}}
    got = {d["code"] for d in data["diagnostics"]}
    assert {"CG504", "CG505", "CG507"} <= got  # CG507: the route both claim, kept
    assert data["adopted"] == sorted(data["adopted"]) and len(data["adopted"]) == 5


def test_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("import", str(tmp_path / "missing"))
    assert code == 2 and "is not a folder" in out


def test_odd_shapes_are_located_not_tracebacks(tmp_path: Path) -> None:
    write(tmp_path / "a" / "wrangler.toml", 'name = "a"\nmain = "i.js"\n'
          "compatibility_date = 2025-06-01\n")  # a TOML date, not a string
    write(tmp_path / "b" / "wrangler.json", '{\n  "name": "b",\n  "env": {"dev": 3}\n}')
    write(tmp_path / "c" / "wrangler.json", '[1, 2]')
    write(tmp_path / "d" / "wrangler.jsonc", '{"name": "d", /* unclosed')
    write(tmp_path / "e" / "wrangler.json", '{"name": "e", "main": "i.js", "compatibility_date":'
          ' "2025-01-01",\n "placement": null,\n "limits": {"cpu_ms": 1e400}}')
    done = importer.run(tmp_path)
    assert ("CG504", "e/wrangler.json", 2) in codes(done)  # TOML has no null
    assert ("CG504", "e/wrangler.json", 3) in codes(done)  # nor does wrangler read inf
    assert ("CG501", "b/wrangler.json", 3) in codes(done)
    assert ("CG501", "c/wrangler.json", 1) in codes(done)
    assert any(c == "CG501" and f == "d/wrangler.jsonc" for c, f, _ in codes(done))
    assert any(c == "CG504" and f == "a/wrangler.toml" for c, f, _ in codes(done))
    assert validate_file(tmp_path / "project.toml").errors == 0


def test_a_worker_left_out_takes_its_environments_with_it(tmp_path: Path) -> None:
    write(tmp_path / "site" / "wrangler.toml", 'name = "site"\ncompatibility_date = '
          '"2025-06-01"\n[env.preview]\n[env.production]\n')  # no main, assets or Pages dir
    write(tmp_path / "api" / "wrangler.toml", TAIL.replace('"tail"', '"api"').split("[env")[0])
    done = importer.run(tmp_path)
    assert ("CG504", "site/wrangler.toml", 1) in codes(done)  # no `main`: CG105
    assert {(p.file, p.env): p.state for p in done.pairs} == {
        ("api/wrangler.toml", None): EQUAL, ("site/wrangler.toml", None): "not imported",
        ("site/wrangler.toml", "preview"): "not imported",
        ("site/wrangler.toml", "production"): "not imported"}
    assert "environments" not in tomllib.loads((tmp_path / "project.toml").read_text())
    assert done.adopted == ("api/wrangler.toml",)


def test_an_empty_cron_list_is_not_the_same_as_none(tmp_path: Path) -> None:
    # `crons = []` makes `wrangler deploy` remove the worker's cron triggers; no `crons`
    # leaves them alone. The manifest cannot write an empty list at the top level, so import
    # says that the regenerated file would differ there.
    write(tmp_path / "w" / "wrangler.toml", 'name = "w"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\ntriggers = { crons = [] }\n')
    done = importer.run(tmp_path)
    assert ("CG505", "w/wrangler.toml", 4) in codes(done)
    assert [p.state for p in done.pairs] == [DIFFERS]


def test_a_folder_without_wrangler_files_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "node_modules" / "w" / "wrangler.toml", 'name = "w"\n')
    code, out = run("import", str(tmp_path))
    assert code == 2 and "no wrangler.toml, wrangler.json or wrangler.jsonc" in out
    assert not (tmp_path / "project.toml").exists()


def test_queues_an_environment_does_not_have_are_removed_there(tmp_path: Path) -> None:
    write(tmp_path / "w" / "wrangler.toml", """\
name = "w"
main = "i.js"
compatibility_date = "2025-06-01"
[[queues.producers]]
binding = "JOBS"
queue = "jobs"
[[queues.consumers]]
queue = "jobs"
max_batch_size = 10

[env.dev]
queues = { producers = [{ binding = "JOBS", queue = "jobs-dev" }] }

[env.bare]
""")
    done = importer.run(tmp_path)
    assert done.ok, done.diagnostics
    assert {p.state for p in done.pairs} == {EQUAL}
    w = tomllib.loads((tmp_path / "project.toml").read_text())["workers"]["w"]
    assert w["env"]["dev"]["queues"] == {"producers": [{"binding": "JOBS", "queue": "jobs-dev"}]}
    assert w["env"]["dev"]["unset"] == ["queues.consumers"]
    assert w["env"]["bare"]["unset"] == ["queues"]


def test_a_linked_wrangler_file_inside_the_folder_is_not_imported(fleet: Path) -> None:
    # generate would refuse to write through the link (CG416), so import does not adopt it
    os.symlink(fleet / "tail" / "wrangler.toml", fleet / "apps" / "wrangler.toml")
    done = importer.run(fleet)
    assert ("CG501", "apps/wrangler.toml", 1) in codes(done)
    assert generate(fleet / "project.toml").ok


def test_a_wrangler_file_is_read_as_generate_reads_bounded_and_never_through_a_link(
        fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # found as a regular file, it is read with generate's own rule: no link anywhere in
    # the path (it may have been swapped since), a regular file, at most fs.MAX_READ bytes
    size = (fleet / "tail" / "wrangler.toml").stat().st_size
    monkeypatch.setattr(fs, "MAX_READ", size - 1)
    done = importer.run(fleet)
    refused = [d for d in done.diagnostics if d.file == "tail/wrangler.toml"]
    assert [(d.code, d.message) for d in refused] == [
        ("CG501", f"cannot read: is {size} bytes, more than confgen ever writes")]
    assert "tail/wrangler.toml" not in {p.file for p in done.pairs}


def test_durable_object_targets_and_queues_become_references_and_shared_resources(
        tmp_path: Path) -> None:
    write(tmp_path / "rooms" / "wrangler.toml", """\
name = "rooms"
main = "src/index.ts"
compatibility_date = "2025-06-01"
durable_objects = { bindings = [{ name = "ROOM", class_name = "Room" }] }
migrations = [{ tag = "v1", new_sqlite_classes = ["Room"] }]
queues = { producers = [{ binding = "JOBS", queue = "jobs" }] }
[env.staging]
durable_objects = { bindings = [{ name = "ROOM", class_name = "Room" }] }
queues = { producers = [{ binding = "JOBS", queue = "jobs-staging" }] }
""")
    write(tmp_path / "chat" / "wrangler.toml", """\
name = "chat"
main = "src/index.ts"
compatibility_date = "2025-06-01"
durable_objects = { bindings = [{ name = "ROOM", class_name = "Room", script_name = "rooms" }] }
queues = { consumers = [{ queue = "jobs", max_batch_size = 5 }] }
[env.staging]
durable_objects = { bindings = [{ name = "ROOM", class_name = "Room", script_name = "rooms-staging" }] }
queues = { consumers = [{ queue = "jobs-staging", max_batch_size = 5 }] }
""")
    done = importer.run(tmp_path)
    assert done.ok, done.diagnostics
    assert {p.state for p in done.pairs} == {EQUAL} and len(done.adopted) == 2
    data = tomllib.loads((tmp_path / "project.toml").read_text())
    # one queue, its producer and its consumer worker both bound to the declaration
    assert data["resources"]["queues"] == {"jobs": {
        "queue": "jobs", "binding": "JOBS", "env": {"staging": {"queue": "jobs-staging"}}}}
    chat = data["workers"]["chat"]
    assert chat["queues"] == {"consumers": [{"resource": "jobs", "max_batch_size": 5}]}
    assert data["workers"]["rooms"]["queues"] == {"producers": [{"resource": "jobs"}]}
    # `rooms` at the top level and `rooms-staging` in staging: one reference to the worker
    assert chat["durable_objects"]["bindings"][0]["script_name"] == "rooms"
    assert "env" not in chat  # the staging section would say nothing the worker does not


def test_a_target_naming_another_environments_script_stays_as_written(tmp_path: Path) -> None:
    write(tmp_path / "api" / "wrangler.toml", 'name = "api"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\n[env.staging]\n[env.production]\n')
    write(tmp_path / "web" / "wrangler.toml", """\
name = "web"
main = "i.js"
compatibility_date = "2025-06-01"
services = [{ binding = "API", service = "api" }]
[env.staging]
services = [{ binding = "API", service = "api-production" }]
[env.production]
durable_objects = { bindings = [{ name = "R", class_name = "R", script_name = "api" }] }
""")
    done = importer.run(tmp_path)
    found = {(d.code, d.file, d.line): d.message for d in done.diagnostics}
    # staging calls production's script: not a reference, an external service as written
    web = tomllib.loads((tmp_path / "project.toml").read_text())["workers"]["web"]
    assert web["env"]["staging"]["services"] == [{"binding": "API", "service": "api-production"}]
    # production names api's top-level script: a reference would mean `api-production`
    assert "a manifest reference means 'api-production'" in \
        found[("CG504", "web/wrangler.toml", 8)]
    assert ("CG505", "web/wrangler.toml", 8) in found
    states = {p.env: p.state for p in done.pairs if p.file == "web/wrangler.toml"}
    assert states == {None: EQUAL, "staging": EQUAL, "production": DIFFERS}


def test_values_the_environments_share_are_said_once_on_the_worker(tmp_path: Path) -> None:
    write(tmp_path / "w" / "wrangler.toml", """\
name = "w"
main = "i.js"
compatibility_date = "2025-06-01"
vars = { MODE = "dev" }

[env.staging]
account_id = "0123456789abcdef0123456789abcdef"
kv_namespaces = [{ binding = "CACHE", id = "cccccccccccccccccccccccccccccccc" }]
vars = { MODE = "live" }

[env.production]
account_id = "0123456789abcdef0123456789abcdef"
kv_namespaces = [{ binding = "CACHE", id = "cccccccccccccccccccccccccccccccc" }]
vars = { MODE = "live" }

[env.canary]
account_id = "0123456789abcdef0123456789abcdef"
vars = { MODE = "live" }
""")
    done = importer.run(tmp_path)
    assert done.ok, done.diagnostics
    assert {p.state for p in done.pairs} == {EQUAL}
    w = tomllib.loads((tmp_path / "project.toml").read_text())["workers"]["w"]
    # what most sections share is the worker's; the top level says its own in `top`
    assert w["account_id"] == "0123456789abcdef0123456789abcdef"
    assert w["vars"] == {"MODE": "live"}
    assert w["top"] == {"vars": {"MODE": "dev"}, "unset": ["account_id"]}
    # two sections with a KV binding, two without (the top level, canary): it stays where it is
    assert "kv_namespaces" not in w and "canary" not in w["env"]
    assert w["env"]["staging"] == w["env"]["production"] == {"kv_namespaces": [
        {"binding": "CACHE", "id": "c" * 32}]}


def test_a_typed_env_wrangler_types_wrote_is_taken_over_and_a_hand_written_one_reported(
        fleet: Path) -> None:
    types = fleet / "apps" / "api" / "worker-configuration.d.ts"
    write(types, "// Generated by Wrangler by running `wrangler types` (hash: 1)\n"
          "interface Env { OAUTH: KVNamespace }\n")
    write(fleet / "tail" / "worker-configuration.d.ts", "interface Env {}\n")
    done = importer.run(fleet)
    assert done.types == ("apps/api/worker-configuration.d.ts",)
    assert ("CG504", "tail/worker-configuration.d.ts", 1) in codes(done)
    lock = json.loads((fleet / "confgen.lock").read_text())["outputs"]
    assert "apps/api/worker-configuration.d.ts" in lock
    assert "tail/worker-configuration.d.ts" not in lock
    # generate refuses the hand-written one (and so writes nothing) ...
    result = generate(fleet / "project.toml")
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["CG413"]
    assert (fleet / "tail" / "worker-configuration.d.ts").read_text() == "interface Env {}\n"
    # ... and, once it is gone, replaces wrangler's without --force
    (fleet / "tail" / "worker-configuration.d.ts").unlink()
    assert generate(fleet / "project.toml").ok
    assert types.read_text().startswith("// Generated by confgen")


def test_a_file_without_name_gets_a_folder_key_no_binding_uses(tmp_path: Path) -> None:
    """`tests` is a script another file binds (external): the unnamed file in tests/ must
    not take it as its key, or the binding would name it."""
    write(tmp_path / "api" / "wrangler.toml", 'name = "api"\nmain = "i.js"\n'
          'compatibility_date = "2025-06-01"\nservices = [{ binding = "T", service = "tests" }]\n')
    write(tmp_path / "tests" / "wrangler.toml", 'main = "i.js"\ncompatibility_date = "2025-06-01"\n')
    done = importer.run(tmp_path)
    assert ("CG509", "tests/wrangler.toml", 1) in codes(done)
    assert done.ok and len(done.adopted) == 2
    data = tomllib.loads((tmp_path / "project.toml").read_text())
    assert data["workers"]["tests-2"]["name"] is False
    assert data["workers"]["tests-2"]["path"] == "tests"
    assert data["project"]["external_services"] == ["tests"]
    assert validate_file(tmp_path / "project.toml").errors == 0
