"""`confgen import`: adopt a folder of wrangler files, with proof that nothing changed.

One stage per module: discover (find the files) -> parse (read one file) -> structure (the
manifest's data, bindings in `bindings`) -> fit (leave out what confgen rejects; factor
[defaults]) -> emit (project.toml text) -> code (the workers' code checks) -> prove (render,
and compare with `meaning`, wrangler's reading, per worker and environment). `run` chains them and writes project.toml and
confgen.lock (only the originals proven equal are recorded there as owned).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confgen import fs, lockfile
from confgen.diagnostics import Diagnostic, Severity
from confgen.importer import code, discover, emit, fit, parse, prove
from confgen.importer.structure import Draft, structure

MANIFEST = "project.toml"
LOCK = lockfile.lock_name(MANIFEST)
LOCK_TIMEOUT = 30.0  # seconds to wait for a `confgen generate` running in the folder
HEADER = [
    "Written by `confgen import` from the wrangler files of this folder. confgen proved, per",
    "worker and environment, that each file it generates means what the original meant",
    "(wrangler's own reading), except where `confgen import` reported a difference.",
]


class Refused(Exception):
    """Import did not start: not a folder, or a manifest is already there (no --force)."""


@dataclass(frozen=True)
class Imported:
    files: tuple[str, ...]  # every wrangler file found, relative to the folder
    diagnostics: tuple[Diagnostic, ...]  # sorted; files relative to the folder
    pairs: tuple[prove.Pair, ...]
    adopted: tuple[str, ...]  # originals proven equal, recorded in confgen.lock
    manifest: str  # the project.toml text written

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def project_name(folder: Path) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", folder.name.lower()).strip("-")[:63].strip("-")
    return name or "imported"


def _prune(draft: Draft) -> None:
    """Drop what leaving keys out emptied: worker-level empty lists and tables (they render
    as nothing), empty resource kinds."""
    for name, table in draft.data.get("workers", {}).items():
        original = draft.workers[name].data if name in draft.workers else {}
        for key in [k for k, v in table.items() if v in ([], {})
                    and k not in ("env", "environments") and original.get(k) != v]:
            del table[key]
    resources = draft.data.get("resources", {})
    for kind in [k for k, v in resources.items() if not v]:
        del resources[kind]
    if "resources" in draft.data and not resources:
        del draft.data["resources"]


def _write(root: Path, files: dict[str, str]) -> None:
    """Write the manifest and its lock inside the folder, atomically, while no `confgen
    generate` runs there, and only over what was there when import looked."""
    tree = fs.Tree.open(root)
    try:
        with tree.locked(True, LOCK_TIMEOUT):
            for name, text in files.items():
                tree.write(name, text.encode(), tree.read(name))
    except fs.Busy:
        raise Refused(f"another confgen run holds {root}; try again") from None
    except fs.Refused as exc:
        raise Refused(f"{exc.path}: {exc.reason}") from None
    except fs.Changed as exc:
        raise Refused(f"{exc} changed while import was writing; nothing else written") from None
    finally:
        tree.close()


def _draft(originals: list[parse.Original], name: str,
           diagnostics: list[Diagnostic]) -> Draft:
    """Structure and fit; when fitting leaves a whole worker out, structure again without
    its file, so that the environments, resources and defaults are the survivors' own."""
    left_out: set[str] = set()
    while True:
        draft = structure([o for o in originals if o.path not in left_out], name)
        problems = draft.diagnostics + fit.fit(draft)
        kept = draft.data.get("workers", {})
        gone = {o.path for w, o in draft.workers.items() if w not in kept}
        if not gone:
            diagnostics += problems
            return draft
        diagnostics += [d for d in problems if d.file in gone]
        left_out |= gone


def run(folder: Path, force: bool = False) -> Imported:
    root = folder.resolve()
    if not root.is_dir():
        raise Refused(f"{folder} is not a folder")
    for name in (MANIFEST, LOCK):
        if os.path.lexists(root / name) and not force:
            raise Refused(f"{folder / name} already exists; `confgen import --force` "
                          "replaces it")
    found = discover.find(root)
    if not found.files and not found.diagnostics:
        raise Refused(f"no wrangler.toml, wrangler.json or wrangler.jsonc under {folder}; "
                      "nothing written")
    diagnostics: list[Diagnostic] = list(found.diagnostics)
    originals: list[parse.Original] = []
    for rel in found.files:
        read = parse.read(root, rel)
        if isinstance(read, Diagnostic):
            diagnostics.append(read)
        else:
            originals.append(read)
    draft = _draft(originals, project_name(root), diagnostics)
    _prune(draft)
    fit.factor_defaults(draft)
    text = emit.manifest_text(draft.data, draft.comments, HEADER, draft.suppressed)
    in_code = code.source_errors(text, root)
    if in_code:
        diagnostics += code.switch_off(draft.data, draft.comments, in_code)
        text = emit.manifest_text(draft.data, draft.comments, HEADER, draft.suppressed)
    proof = prove.prove(text, root, originals, draft.workers)
    diagnostics += proof.diagnostics
    by_path = {o.path: o for o in originals}
    owned = {path: lockfile.sha256(by_path[path].raw) for path in proof.equal_files}
    _write(root, {MANIFEST: text, LOCK: lockfile.text(MANIFEST, owned)})
    return Imported(found.files, tuple(sorted(set(diagnostics))), proof.pairs,
                    tuple(sorted(owned)), text)


def summary(imported: Imported) -> dict[str, Any]:
    from confgen.importer.table import as_data

    return as_data(imported.pairs, list(imported.adopted))
