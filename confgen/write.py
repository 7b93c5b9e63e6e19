"""Stage 5: rendered outputs vs the disk: compare, diff, and write atomically.

Ownership is recorded in `confgen.lock` beside the manifest: the sha256 of every
file confgen wrote. A file at an output path is confgen's to replace or delete
only while its bytes still hash to the recorded value; anything else was written
or edited by a person and is left alone unless --force.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from confgen.diagnostics import Diagnostic
from confgen.model import LOCK
from confgen.render import Output


class State(StrEnum):
    CURRENT = "current"
    MISSING = "missing"
    STALE = "stale"  # confgen wrote it, the manifest has changed since
    EDITED = "edited"  # differs, and confgen did not write these bytes
    ORPHAN = "orphan"  # confgen wrote it for an output that is gone
    ORPHAN_EDITED = "orphan-edited"


@dataclass(frozen=True)
class Entry:
    path: str
    state: State
    new: str | None  # None for orphans
    old: bytes | None  # None when missing
    output: Output | None = None  # None for orphans and the lock


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lock_json(recorded: dict[str, str]) -> str:
    """confgen.lock's text: {path: sha256 of the bytes confgen owns there}."""
    ordered = dict(sorted(recorded.items()))
    return json.dumps({"generator": "confgen", "outputs": ordered}, indent=2) + "\n"


def lock_text(outputs: dict[str, Output]) -> str:
    return lock_json({p: sha256(o.text.encode()) for p, o in outputs.items()})


def read_lock(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / LOCK).read_text(encoding="utf-8"))
        outputs = data.get("outputs", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}
    except (OSError, ValueError):
        return {}


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def compare(root: Path, outputs: dict[str, Output], owned: dict[str, str]) -> list[Entry]:
    """The state of every output, the lock, and every orphan, sorted by path.
    `owned` is read_lock(root): what confgen wrote last time."""
    texts = {p: o.text for p, o in outputs.items()}
    texts[LOCK] = lock_text(outputs)
    entries = []
    for path, text in sorted(texts.items()):
        old = _read(root / path)
        if old is None:
            state = State.MISSING
        elif old == text.encode():
            state = State.CURRENT
        elif path == LOCK or owned.get(path) == sha256(old):
            state = State.STALE
        else:
            state = State.EDITED
        entries.append(Entry(path, state, text, old, outputs.get(path)))
    for path in sorted(set(owned) - set(texts)):
        old = _read(root / path)
        if old is not None:
            state = State.ORPHAN if owned[path] == sha256(old) else State.ORPHAN_EDITED
            entries.append(Entry(path, state, None, old))
    return entries


WRANGLER_NAMES = ("wrangler.json", "wrangler.jsonc", "wrangler.toml")  # wrangler's own order


def conflicting_configs(root: Path, outputs: dict[str, Output],
                        owned: dict[str, str]) -> list[Diagnostic]:
    """Another wrangler file beside a generated one: wrangler silently reads the first of
    wrangler.json, wrangler.jsonc, wrangler.toml, so the generated file may never be used."""
    found = []
    for path in sorted(outputs):
        folder, _, name = path.rpartition("/")
        if name not in WRANGLER_NAMES:
            continue
        for other in WRANGLER_NAMES:
            rel = f"{folder}/{other}" if folder else other
            if other == name or rel in outputs or rel in owned or not (root / rel).is_file():
                continue
            wins = WRANGLER_NAMES.index(other) < WRANGLER_NAMES.index(name)
            effect = (f"wrangler reads it instead of the generated {name}" if wins
                      else f"a second config beside the generated {name}")
            found.append(Diagnostic(rel, 1, 1, "CG415", f"{effect}; remove it (its settings "
                                    "belong in the manifest)"))
    return found


def _first_difference(old: bytes, new: str) -> int:
    old_lines = old.decode("utf-8", "replace").splitlines()
    for n, (a, b) in enumerate(zip(old_lines, new.splitlines()), start=1):
        if a != b:
            return n
    return min(len(old_lines), len(new.splitlines())) + 1


def diagnostics(entries: list[Entry], manifest: str) -> list[Diagnostic]:
    out = []
    for e in entries:
        if e.state is State.STALE and e.old is not None and e.new is not None:
            out.append(Diagnostic(e.path, _first_difference(e.old, e.new), 1, "CG411",
                                  f"stale: differs from what {manifest} gives"))
        elif e.state is State.MISSING:
            out.append(Diagnostic(e.path, 1, 1, "CG412", "missing"))
        elif e.state is State.EDITED and e.old is not None and e.new is not None:
            out.append(Diagnostic(e.path, _first_difference(e.old, e.new), 1, "CG413",
                                  "written or edited by hand; `confgen generate --force` "
                                  "replaces it"))
        elif e.state is State.ORPHAN:
            out.append(Diagnostic(e.path, 1, 1, "CG414", "generated earlier for an output "
                                  "that is gone; `confgen generate` removes it"))
        elif e.state is State.ORPHAN_EDITED:
            out.append(Diagnostic(e.path, 1, 1, "CG413", "generated earlier for an output "
                                  "that is gone, then edited by hand; remove it yourself"))
    return sorted(out)


def unified_diff(entries: list[Entry]) -> str:
    chunks = []
    for e in entries:
        if e.state is State.CURRENT:
            continue
        old = (e.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (e.new or "").splitlines(keepends=True)
        chunks.append("".join(difflib.unified_diff(
            old, new, f"a/{e.path}" if e.old is not None else "/dev/null",
            f"b/{e.path}" if e.new is not None else "/dev/null")))
    return "".join(chunks)


def atomic_write(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def blocked(entries: list[Entry], force: bool) -> list[Entry]:
    """Files a person wrote that generate would have to overwrite or delete."""
    if force:
        return []
    return [e for e in entries if e.state in (State.EDITED, State.ORPHAN_EDITED)]


def apply(root: Path, entries: list[Entry], force: bool) -> list[str]:
    """Write what changed, remove orphans, lock last; returns the paths touched."""
    touched = []
    lock = None
    for e in entries:
        if e.path == LOCK:
            lock = e
            continue
        if e.new is not None and e.state is not State.CURRENT:
            atomic_write(root / e.path, e.new.encode())
            touched.append(e.path)
        elif e.new is None and (e.state is State.ORPHAN or force):
            (root / e.path).unlink(missing_ok=True)
            touched.append(e.path)
    if lock is not None and lock.state is not State.CURRENT and lock.new is not None:
        atomic_write(root / LOCK, lock.new.encode())
        touched.append(LOCK)
    return touched
