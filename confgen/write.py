"""Stage 5: rendered outputs vs the disk: compare, diff, and write.

Ownership is recorded in the manifest's lock (confgen.lockfile): the sha256 of every file
confgen wrote. A file at an output path is confgen's to replace only while its bytes
still hash to the recorded value; anything else was written or edited by a person and is
left alone unless --force. A file the lock lists that no output claims any more (an
orphan) is removed only when its bytes are still confgen's *and* its content is a file
confgen generates: the lock is evidence of ownership, never a reason on its own to touch
a path. Every read and write goes through confgen.fs (inside the folder, no links out,
regular files only, re-checked just before each replace).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from confgen import fs, lockfile
from confgen.compat import StrEnum
from confgen.diagnostics import Diagnostic
from confgen.lockfile import Lock, sha256
from confgen.record import record
from confgen.render import Output, generated_by_confgen

if TYPE_CHECKING:
    from concurrent.futures import Executor


class State(StrEnum):
    CURRENT = "current"
    MISSING = "missing"
    STALE = "stale"  # confgen wrote it, the manifest has changed since
    EDITED = "edited"  # differs, and confgen did not write these bytes
    ORPHAN = "orphan"  # confgen wrote it for an output that is gone
    ORPHAN_EDITED = "orphan-edited"
    LEFTOVER = "leftover"  # a temporary file an interrupted write left


@record
class Entry:
    path: str
    state: State
    new: str | None  # None for orphans and leftovers
    old: bytes | None  # None when missing, and for a current output (it equals `new`)
    output: Output | None = None  # None for orphans, leftovers and the lock


@record
class Disk:
    """What compare found: one entry per path confgen may touch, and the paths it will
    not touch with the reason (refused outputs are errors, ignored lock entries warnings)."""

    entries: tuple[Entry, ...]
    problems: tuple[Diagnostic, ...]


class WriteFailed(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_lock(tree: fs.Tree, manifest: str) -> Lock:
    """The manifest's lock (empty when there is none); LockError or fs.Refused otherwise."""
    raw = tree.read(lockfile.lock_name(manifest))
    return Lock() if raw is None else lockfile.parse(raw, manifest)


def _refused(exc: fs.Refused) -> Diagnostic:
    return Diagnostic(exc.path, 1, 1, "CG416", exc.reason)


def compare(tree: fs.Tree, outputs: Mapping[str, Output | Callable[[], Output]], lock: Lock,
            manifest: str, verify: Callable[[Output], None] | None = None) -> Disk:
    """The state of every output, the lock, every orphan and every leftover, by path.
    `outputs` may map a path to the call that renders it (render.planned): each is then
    rendered, compared and, when current, let go before the next (only its text stays,
    for the lock's hashes). `verify`: called at once on each output that is not current
    (render.verify, before generate writes anything), which then keeps only its text."""
    lock_path = lockfile.lock_name(manifest)
    found: dict[str, list[Entry]] = {}
    digests: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for path in sorted(outputs):
        made = outputs[path]
        output = made if isinstance(made, Output) else made()
        digests[path] = sha256(output.text.encode())
        _state(tree, path, output.text, output, lock, found, problems, verify=verify)
    _state(tree, lock_path, lockfile.text(manifest, digests), None, lock, found, problems,
           is_lock=True)
    entries = [e for path in sorted(found) for e in found[path]]
    for path in sorted(lock.paths - set(outputs) - {lock_path}):
        orphan = _orphan(tree, path, lock, manifest)
        if isinstance(orphan, Diagnostic):
            problems.append(orphan)
        elif orphan is not None:
            entries.append(orphan)
    return Disk(tuple(entries), tuple(problems))


def _state(tree: fs.Tree, path: str, text: str, output: Output | None, lock: Lock,
           found: dict[str, list[Entry]], problems: list[Diagnostic],
           is_lock: bool = False, verify: Callable[[Output], None] | None = None) -> None:
    """One path's entry (then its leftovers) into `found`, or the reason into `problems`."""
    try:
        old = tree.read(path)
    except fs.Refused as exc:
        problems.append(_refused(exc))
        return
    if old is None:
        state = State.MISSING
    elif old == text.encode():
        state = State.CURRENT
    elif is_lock or lock.owns(path, sha256(old)):
        state = State.STALE
    else:
        state = State.EDITED
    if state is State.CURRENT and not is_lock:
        old = output = None  # `old` equals `new`; nothing left to verify (30 MB on 3,000)
    elif verify is not None and output is not None:
        verify(output)
        output = None  # verified: its parse-back data is not needed any more
    found[path] = [Entry(path, state, text, old, output),
                   *(Entry(t, State.LEFTOVER, None, None) for t in tree.leftovers(path))]


_LOCK_NAME = re.compile(r"(.*\.)?confgen\.lock\Z")


def _orphan(tree: fs.Tree, path: str, lock: Lock, manifest: str) -> Entry | Diagnostic | None:
    """An entry for a lock-listed path no output claims, if confgen may touch it at all."""
    def ignored(why: str) -> Diagnostic:
        return Diagnostic(path, 1, 1, "CG418", f"listed in {lockfile.lock_name(manifest)} but "
                          f"{why}; left alone, and the entry is dropped")

    if path == manifest or _LOCK_NAME.match(path.rpartition("/")[2]):
        return ignored("it is a manifest or a lock, which confgen never generates")
    try:
        old = tree.read(path)
    except fs.Refused as exc:
        return ignored(exc.reason)
    if old is None:
        return None
    if not lock.owns(path, sha256(old)):
        return Entry(path, State.ORPHAN_EDITED, None, old)
    if not generated_by_confgen(old):
        return ignored("it is not a file confgen generates")
    return Entry(path, State.ORPHAN, None, old)


WRANGLER_NAMES = ("wrangler.json", "wrangler.jsonc", "wrangler.toml")  # wrangler's own order


def conflicting_configs(tree: fs.Tree, outputs: Mapping[str, object],
                        lock: Lock) -> list[Diagnostic]:
    """Another wrangler file beside a generated one: wrangler silently reads the first of
    wrangler.json, wrangler.jsonc, wrangler.toml, so the generated file may never be used."""
    found = []
    for path in sorted(outputs):
        folder, _, name = path.rpartition("/")
        if name not in WRANGLER_NAMES:
            continue
        for other in WRANGLER_NAMES:
            rel = f"{folder}/{other}" if folder else other
            if other == name or rel in outputs or rel in lock.paths or not tree.exists(rel):
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


def diagnostics(entries: tuple[Entry, ...] | list[Entry], manifest: str) -> list[Diagnostic]:
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
        elif e.state is State.LEFTOVER:
            out.append(Diagnostic(e.path, 1, 1, "CG419", "a temporary file an interrupted "
                                  "run left; `confgen generate` removes it"))
    return sorted(out)


def unified_diff(entries: tuple[Entry, ...], prefix: str = "") -> str:
    """What generate would change, as a patch `git apply` takes from the folder that
    `prefix` (the manifest's folder as the user named it) is relative to."""
    import difflib  # deferred: only --diff needs it

    chunks = []
    for e in entries:
        if e.state in (State.CURRENT, State.LEFTOVER, State.ORPHAN_EDITED):
            continue
        old = (e.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (e.new or "").splitlines(keepends=True)
        chunks.append("".join(difflib.unified_diff(
            old, new, f"a/{prefix}{e.path}" if e.old is not None else "/dev/null",
            f"b/{prefix}{e.path}" if e.new is not None else "/dev/null")))
    return "".join(chunks)


def blocked(entries: tuple[Entry, ...], force: bool) -> list[Entry]:
    """Files a person wrote that generate would have to overwrite (unless --force) or
    delete (never: an edited orphan is the person's to remove)."""
    return [e for e in entries if e.state is State.ORPHAN_EDITED
            or (e.state is State.EDITED and not force)]


@record
class Applied:
    written: tuple[str, ...]
    removed: tuple[str, ...]


def apply(tree: fs.Tree, entries: tuple[Entry, ...], manifest: str) -> Applied:
    """Write what changed and remove orphans and leftovers, under a lock that covers both
    the old and the new bytes while files change, then the final lock.

    fs.Changed (a file changed since compare) stops the run; what was written so far is
    recorded in the interim lock, so nothing is taken for a hand edit next time."""
    lock_path = lockfile.lock_name(manifest)
    lock = next(e for e in entries if e.path == lock_path)
    changes = [e for e in entries if e.path != lock_path and e.state not in (
        State.CURRENT, State.ORPHAN_EDITED)]
    if not changes and lock.state is State.CURRENT:
        return Applied((), ())
    final = {e.path: sha256(e.new.encode()) for e in entries
             if e.new is not None and e.path != lock_path}
    previous = {e.path: sha256(e.old) for e in changes
                if e.old is not None and e.state is not State.LEFTOVER}
    assert lock.new is not None
    on_disk = lock.old
    if previous:
        interim = lockfile.text(manifest, final, previous).encode()
        _write(tree, lock_path, interim, on_disk)
        on_disk = interim
    written = _write_all(tree, [e for e in changes if e.new is not None])
    removed = []
    for e in changes:
        if e.new is not None:
            continue
        if e.state is State.LEFTOVER:
            tree.remove_leftover(e.path)
            removed.append(e.path)
        elif e.old is not None:
            _guarded(e.path, partial(tree.remove, e.path, e.old))
            removed.append(e.path)
    if on_disk != lock.new.encode():
        _write(tree, lock_path, lock.new.encode(), on_disk)
    if lock.old != lock.new.encode():  # the interim lock is no change worth reporting
        written.append(lock_path)
    return Applied(tuple(written), tuple(removed))


BATCH = 64  # files staged at once (each holds two descriptors open)
SYNCERS = 16  # fsyncs in flight at once


def _write_all(tree: fs.Tree, entries: list[Entry]) -> list[str]:
    """Each file as _write does it (temporary file, fsync, re-check, rename, fsync of the
    folder), in batches: the batch's temporary files are written, then fsynced together
    (the disk commits concurrent fsyncs in one journal commit instead of one per file),
    then each is re-checked and renamed, then each folder the batch touched is fsynced
    once. Every file's bytes are on disk before its rename, and every rename before the
    final lock is written, as before. Only the fsyncs run in threads: they release the GIL,
    and nothing else in them competes for it. After a failure nothing more is renamed;
    the batch's remaining temporary files are removed and the first failure raised."""
    if len(entries) < 2:
        for e in entries:
            assert e.new is not None
            _write(tree, e.path, e.new.encode(), e.old)
        return [e.path for e in entries]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(SYNCERS) as pool:
        for start in range(0, len(entries), BATCH):
            _write_batch(tree, entries[start:start + BATCH], pool)
    return [e.path for e in entries]


def _write_batch(tree: fs.Tree, batch: list[Entry], pool: Executor) -> None:
    staged: list[tuple[Entry, fs.Staged]] = []  # written, not yet renamed
    renamed: list[fs.Staged] = []
    try:
        for e in batch:
            assert e.new is not None
            _guarded(e.path, partial(_stage, tree, e.path, e.new.encode(), e, staged))
        for (e, _), problem in zip(staged, pool.map(_synced, [s.fd for _, s in staged])):
            if problem is not None:
                raise WriteFailed(e.path, problem.strerror or str(problem))
        while staged:
            e, s = staged[0]
            _guarded(e.path, partial(tree.commit, s, e.old))  # removes its temp on failure
            renamed.append(staged.pop(0)[1])
    finally:
        for _, s in staged:
            s.discard()
            s.close()
        folders: dict[tuple[int, int], fs.Staged] = {}
        for s in renamed:
            info = os.fstat(s.folder)
            folders.setdefault((info.st_dev, info.st_ino), s)
        problems = list(pool.map(_synced, [s.folder for s in folders.values()]))
        for s in renamed:
            s.close()
    for folder, problem in zip(folders.values(), problems):
        if problem is not None:
            raise WriteFailed(folder.rel, problem.strerror or str(problem))


def _stage(tree: fs.Tree, path: str, data: bytes, entry: Entry,
           into: list[tuple[Entry, fs.Staged]]) -> None:
    into.append((entry, tree.stage(path, data)))


def _synced(fd: int) -> OSError | None:
    try:
        os.fsync(fd)
    except OSError as exc:
        return exc
    return None


def _write(tree: fs.Tree, path: str, data: bytes, expected: bytes | None) -> None:
    _guarded(path, partial(tree.write, path, data, expected))


def _guarded(path: str, action: Callable[[], None]) -> None:
    """Run a write or removal; an OS error names the file it was about."""
    try:
        action()
    except OSError as exc:
        raise WriteFailed(path, exc.strerror or str(exc)) from None
