"""confgen.lock: the sha256 of every file confgen wrote for one manifest.

The lock is evidence of ownership for a path the manifest derives, never a reason to
touch any other path: an entry that is not a normalised path inside the manifest's folder
makes the whole lock invalid (confgen never writes one), and so does anything that does not
parse, such as merge-conflict markers. An invalid lock stops every write until a person
fixes it.

Each manifest has its own lock (`confgen.lock` for `project.toml`, `NAME.confgen.lock`
for `NAME.toml`), and the lock names its manifest. While generate is writing, the lock
also lists under "previous" the hashes the changed files had before, so a run killed
half-way leaves files the next run still recognises as confgen's.
"""

from __future__ import annotations

import json
import re
from functools import cached_property

from confgen.paths import normalise
from confgen.record import field, record

DEFAULT = "confgen.lock"
_HASH = re.compile(r"[0-9a-f]{64}\Z")


def lock_name(manifest: str) -> str:
    """The lock of a manifest file name: two manifests in one folder get two locks."""
    if manifest == "project.toml":
        return DEFAULT
    stem = manifest.removesuffix(".toml")
    return f"{stem}.{DEFAULT}"


def sha256(data: bytes) -> str:
    import hashlib  # deferred: validate imports this module for lock_name only

    return hashlib.sha256(data).hexdigest()


class LockError(Exception):
    """The lock cannot be trusted; `line` points at the problem in it."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@record
class Lock:
    outputs: dict[str, str] = field(default_factory=dict)  # path -> hash confgen wrote
    previous: dict[str, str] = field(default_factory=dict)  # path -> hash before a write

    def owns(self, path: str, digest: str) -> bool:
        return digest in (self.outputs.get(path), self.previous.get(path))

    @cached_property  # asked once per output: built once
    def paths(self) -> set[str]:
        return set(self.outputs) | set(self.previous)


def text(manifest: str, outputs: dict[str, str], previous: dict[str, str] | None = None) -> str:
    """The lock's bytes: sorted, one entry a line, so a merge conflict is one line."""
    data: dict[str, object] = {"generator": "confgen", "manifest": manifest,
                               "outputs": dict(sorted(outputs.items()))}
    if previous:
        data["previous"] = dict(sorted(previous.items()))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _line_of(raw: str, needle: str) -> int:
    at = raw.find(needle)
    return raw.count("\n", 0, at) + 1 if at >= 0 else 1


def parse(raw: bytes, manifest: str) -> Lock:
    """The lock's entries, or LockError saying what is wrong and where."""
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LockError(raw[: exc.start].count(b"\n") + 1, "not UTF-8") from None
    for n, line in enumerate(source.splitlines(), start=1):
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>", "|||||||")):
            raise LockError(n, "has merge-conflict markers")
    try:
        data = json.loads(source)
    except ValueError as exc:
        raise LockError(getattr(exc, "lineno", 1), f"is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("generator") != "confgen":
        raise LockError(1, "is not a confgen lock (no \"generator\": \"confgen\")")
    named = data.get("manifest", manifest)
    if named != manifest:
        raise LockError(_line_of(source, '"manifest"'),
                        f"belongs to the manifest {named!r}, not {manifest!r}")
    tables = []
    for key in ("outputs", "previous"):
        table = data.get(key, {})
        if not isinstance(table, dict):
            raise LockError(_line_of(source, f'"{key}"'), f"{key!r} is not an object")
        for path, digest in table.items():
            where = _line_of(source, json.dumps(path, ensure_ascii=False))
            if normalise(path) != path:
                raise LockError(where, f"entry {path!r} is not a normalised path inside the "
                                "manifest's folder; confgen never writes such an entry")
            if not isinstance(digest, str) or not _HASH.match(digest):
                raise LockError(where, f"entry {path!r} has no sha256")
        tables.append({str(k): str(v) for k, v in table.items()})
    return Lock(tables[0], tables[1])
