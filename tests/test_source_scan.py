"""The source scan (confgen/source/): what it reads, and what it finds in tricky code.

The rule cases (tests/cases/CG6xx_*) show each diagnostic end to end; these tests pin
the filesystem rule (only regular files inside the worker's folder, symlinks resolved,
at most MAX_BYTES) and scanner details a case would only show indirectly.
"""

from __future__ import annotations

import os
from pathlib import Path

from confgen.source import files, javascript, python
from confgen.validate import validate_file

MANIFEST = """\
[project]
name = "scan"
compatibility_date = "2025-10-01"

[workers.web]
main = "src/index.js"
vars = { GREETING = "hi" }
"""


def project(tmp_path: Path, sources: dict[str, str | bytes]) -> Path:
    (tmp_path / "project.toml").write_text(MANIFEST)
    for name, text in sources.items():
        path = tmp_path / "workers" / "web" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path / "project.toml"


def found(manifest: Path) -> list[tuple[str, str, str]]:
    return [(d.code, d.file, d.message) for d in validate_file(manifest).diagnostics]


def names(source: str, path: str = "x.ts") -> list[str]:
    return [n for n, _ in javascript.scan(path, source.encode()).uses]


def test_import_through_a_symlink_out_of_the_worker_is_not_read(tmp_path: Path) -> None:
    manifest = project(tmp_path, {"src/index.js": (
        'import { secret } from "./leak";\n'
        "export default { fetch(r, env) { return new Response(env.GREETING + secret) } };\n")})
    outside = tmp_path / "elsewhere.js"
    outside.write_text("export const secret = env.NOT_OURS;\n")
    os.symlink(outside, tmp_path / "workers/web/src/leak.js")
    assert found(manifest) == []  # the import is not followed, NOT_OURS never seen


def test_main_that_is_a_symlink_out_of_the_worker_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project.toml").write_text(MANIFEST)
    (tmp_path / "workers/web/src").mkdir(parents=True)
    (tmp_path / "real.js").write_text("export default {};\n")
    os.symlink(tmp_path / "real.js", tmp_path / "workers/web/src/index.js")
    [(code, _, message)] = found(tmp_path / "project.toml")
    assert code == "CG608" and "resolves outside the worker's folder" in message


def test_worker_folder_that_leaves_the_manifest_folder_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "project.toml").write_text(MANIFEST)
    away = tmp_path.parent / (tmp_path.name + "-away")
    (away / "src").mkdir(parents=True)
    (away / "src/index.js").write_text("export default { fetch(r, env) { env.X } };\n")
    (tmp_path / "workers").mkdir()
    os.symlink(away, tmp_path / "workers/web")
    codes = [c for c, _, _ in found(tmp_path / "project.toml")]
    assert "CG402" in codes  # the output would leave the folder (confgen.placement)
    assert not any(c.startswith("CG6") for c in codes)  # env.X there was never read


def test_a_fifo_is_never_opened_for_reading(tmp_path: Path) -> None:
    manifest = project(tmp_path, {})
    (tmp_path / "workers/web/src").mkdir(parents=True)
    os.mkfifo(tmp_path / "workers/web/src/index.js")
    # isfile() is false for a FIFO: the worker counts as not in the repository (and as
    # it is the only worker, there is no CG607 note either)
    assert found(manifest) == []
    target = tmp_path / "workers/web/src/fifo.js"
    os.mkfifo(target)
    try:
        files.read(str(target), (tmp_path / "workers/web").resolve())
    except files.Refused as exc:
        assert "not a regular file" in str(exc)
    else:
        raise AssertionError("a FIFO was read")


def test_a_file_over_the_size_bound_is_not_read(tmp_path: Path) -> None:
    big = b"// " + b"x" * files.MAX_BYTES + b"\n"
    manifest = project(tmp_path, {"src/index.js": 'import "./big";\n'
                                  "export default { fetch(r, env) { env.GREETING } };\n",
                                  "src/big.js": big})
    [(code, file, message)] = found(manifest)
    assert (code, file) == ("CG608", "workers/web/src/big.js") and "larger than" in message


def test_typescript_import_of_dot_js_means_the_ts_file(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    (folder / "src/lib").mkdir(parents=True)
    (folder / "src/lib/index.ts").write_text("")
    (folder / "src/util.ts").write_text("")
    importer = str(folder / "src/index.ts")
    real = str(folder.resolve())
    assert files.resolve_js(importer, "./util.js", real) == str(folder / "src/util.ts")
    assert files.resolve_js(importer, "./lib", real) == str(folder / "src/lib/index.ts")
    assert files.resolve_js(importer, "hono", real) is None
    assert files.resolve_js(importer, "../../outside", real) is None


def test_destructuring_defaults_renames_and_rest() -> None:
    source = ("export default { async fetch(req, env) {\n"
              "  const { A, B = 1, C: c, 'D': d = 2 } = env;\n"
              "  const { E, ...rest } = env;\n"
              "} };\n")
    facts = javascript.scan("x.js", source.encode())
    assert [n for n, _ in facts.uses] == ["A", "B", "C", "D", "E"]
    assert len(facts.dynamic) == 1  # ...rest takes every other binding


def test_an_alias_is_followed_only_where_it_is_visible() -> None:
    source = ("function helper(e) { return e.NOT_ENV; }\n"
              "export default { fetch(req, e) {\n"
              "  const x = e; const y = x;\n"
              "  try { return y?.DEEP; } catch (e) { return e.message; }\n"
              "} };\n")
    assert names(source) == ["DEEP"]


def test_parameters_typed_env_and_this_env_and_hono_context() -> None:
    source = ("export function f(bindings: Env) { return bindings.TYPED; }\n"
              "export class D extends DurableObject { m() { return this.env.ON_THIS; } }\n"
              "app.get('/', (c) => c.env.ON_CONTEXT);\n"
              "const { env } = c; env.DESTRUCTURED;\n")
    assert names(source) == ["TYPED", "ON_THIS", "ON_CONTEXT", "DESTRUCTURED"]


def test_process_env_is_kept_apart() -> None:
    facts = javascript.scan("x.js", b"export default { fetch() { process.env.NODE_X } };\n")
    assert facts.uses == [] and [n for n, _ in facts.process_uses] == ["NODE_X"]


def test_default_export_shapes() -> None:
    def handlers(source: str) -> frozenset[str] | None:
        default = javascript.scan("x.ts", source.encode()).default
        assert default is not None
        return default.handlers

    assert handlers("export default { fetch() {}, queue: async () => {}, tail };") == \
        {"fetch", "queue", "tail"}
    assert handlers("const h = { email() {} } satisfies ExportedHandler;\n"
                    "export default h;") == {"email"}
    assert handlers("const app = new Hono();\nexport default app;") == {"fetch"}
    assert handlers("export default class extends WorkerEntrypoint { fetch() {} rpc() {} }") \
        == {"fetch"}
    assert handlers('import h from "./h";\nexport default h;') is None  # opaque
    assert handlers("export default { ...base, fetch() {} };") is None
    assert handlers('addEventListener("fetch", (e) => e.respondWith(new Response("")));\n'
                    'addEventListener("scheduled", () => {});') == {"fetch", "scheduled"}


def test_python_scan() -> None:
    source = ("from workers import WorkerEntrypoint, DurableObject\n"
              "class Room(DurableObject):\n"
              "    def __init__(self, ctx, env):\n"
              "        self.kv = env.ROOM_KV\n"
              "class Default(WorkerEntrypoint):\n"
              "    async def fetch(self, request):\n"
              "        e = self.env\n"
              "        return getattr(e, 'BY_NAME'), e['BY_KEY'], getattr(e, name)\n"
              "    async def scheduled(self, event, env, ctx):\n"
              "        return env.CRON\n")
    facts = python.scan("main.py", source.encode())
    assert [n for n, _ in facts.uses] == ["ROOM_KV", "BY_NAME", "BY_KEY", "CRON"]
    assert len(facts.dynamic) == 1
    assert facts.classes["Room"].base == "DurableObject"
    assert facts.default is not None and facts.default.handlers == {"fetch", "scheduled"}


def test_syntax_errors_are_located() -> None:
    facts = javascript.scan("x.ts", b"export default {\n  fetch( {\n")
    assert facts.error is not None and facts.error[0].line >= 1
    facts = python.scan("x.py", b"def f(:\n")
    assert facts.error is not None and facts.error[0].line == 1


def test_code_that_reads_every_binding_is_dynamic() -> None:
    for code in ("JSON.stringify(env)", "Object.keys(e)", "({ ...env })"):
        source = f"export default {{ fetch(req, e) {{ const env = e; return {code}; }} }};\n"
        assert len(javascript.scan("x.js", source.encode()).dynamic) == 1, code
    assert javascript.scan("x.js", b"JSON.stringify(other); Object.keys(x.env.A);").dynamic == []


def test_did_you_mean_ignores_case_and_stays_quiet_for_far_names() -> None:
    from confgen.rules.code import did_you_mean

    assert did_you_mean("AuthApi", ["AuthAPI", "Other"]) == "; did you mean 'AuthAPI'?"
    assert did_you_mean("SESSION_KV", ["SESSIONS_KV", "RATE_KV"]) == \
        "; did you mean 'SESSIONS_KV'?"
    assert did_you_mean("JWT_ISSUER", ["JWT_SECRET"]) == ""
