"""Import stage 6: render the manifest and compare, per worker and environment, what each
generated file means with what its original means (`meaning`, wrangler's reading).

Every difference is a CG505 at the original's line for that key. A worker x environment
pair is `equal`, `differs`, `extra` (the manifest gives the worker an environment its
original does not have) or `not imported`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from confgen.diagnostics import Diagnostic, KeyPath, Severity
from confgen.importer.bindings import same
from confgen.importer.meaning import environments, meaning
from confgen.importer.parse import Original
from confgen.record import record
from confgen.render import RenderError, render_all
from confgen.selection import EVERYTHING
from confgen.validate import select, validate_text

EQUAL, DIFFERS, EXTRA, NOT_IMPORTED = "equal", "differs", "extra", "not imported"


@record
class Pair:
    file: str
    worker: str | None  # None: not imported
    env: str | None  # None: the top level
    state: str


@record
class Proof:
    pairs: tuple[Pair, ...]
    diagnostics: tuple[Diagnostic, ...]  # CG505s, and validate's warnings on the manifest
    equal_files: tuple[str, ...]  # originals proven equal in every context
    outputs: tuple[str, ...] = ()  # every file the manifest generates


def _short(value: Any) -> str:
    if value is None:
        return "nothing"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _differences(original: Original, env: str | None, mine: dict[str, Any],
                 theirs: dict[str, Any]) -> list[Diagnostic]:
    out = []
    for key in sorted(set(mine) | set(theirs)):
        if same(mine.get(key), theirs.get(key)):
            continue
        section = original.data.get("env", {}).get(env, {}) if env else original.data
        path: KeyPath = ("env", env, key) if env and key in section else (key,)
        if key not in original.data and key not in section:
            path = ("env", env) if env else ()
        where = f"env.{env}" if env else "top level"
        out.append(Diagnostic(original.path, original.line(path), 1, "CG505",
                              f"{where}: {key} differs: the original means "
                              f"{_short(mine.get(key))}, the manifest gives "
                              f"{_short(theirs.get(key))}"))
    return out


def prove(text: str, root: Path, originals: list[Original],
          workers: dict[str, Original]) -> Proof:
    result = select(validate_text(text.encode(), "project.toml", root), EVERYTHING)
    found = [d for d in result.diagnostics if d.severity is Severity.WARNING]
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    outputs = {}
    if result.project is not None and not errors:
        try:
            outputs = render_all(result.project, "project.toml")
        except RenderError as exc:
            errors.append(Diagnostic("project.toml", 1, 1, "CG421", str(exc)))
    found += [Diagnostic(d.file, d.line, d.column, "CG504", f"the imported manifest does not "
                         f"validate ({d.code}: {d.message})") for d in errors]
    project_workers = {w.name: w for w in result.project.workers} if result.project else {}
    by_file = {o.path: name for name, o in workers.items() if name in project_workers}
    pairs: list[Pair] = []
    equal_files = []
    for original in sorted(originals, key=lambda o: o.path):
        contexts: list[str | None] = [None, *environments(original.data)]
        name = by_file.get(original.path)
        output = outputs.get(project_workers[name].output) if name else None
        if name is None or output is None:
            pairs += [Pair(original.path, None, c, NOT_IMPORTED) for c in contexts]
            continue
        generated: dict[str, Any] = output.meant
        all_equal = True
        for ctx in contexts:
            mine = meaning(original.data, ctx)
            theirs = meaning(generated, ctx) if ctx is None or ctx in environments(generated) \
                else {}
            problems = _differences(original, ctx, mine, theirs)
            found += problems
            all_equal &= not problems
            pairs.append(Pair(original.path, name, ctx, DIFFERS if problems else EQUAL))
        for extra in environments(generated):
            if extra not in contexts:
                all_equal = False
                pairs.append(Pair(original.path, name, extra, EXTRA))
        if all_equal:
            equal_files.append(original.path)
    return Proof(tuple(pairs), tuple(found), tuple(equal_files), tuple(sorted(outputs)))
