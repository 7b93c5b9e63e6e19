"""Which source files a scan may read, and how an import names one.

The filesystem rule: a source file is read only when, symlinks resolved, it is a
regular file inside the worker's folder (itself inside the manifest's folder) and
no larger than MAX_BYTES. Anything else is refused with a reason, never followed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024  # a hand-written module is far smaller; bundles are not scanned
JS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
PY_SUFFIXES = (".py",)


class Refused(Exception):
    """A source file the scan will not read (outside, not a regular file, too large)."""


def inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def read(path: str, folder: Path, resolved: bool = False) -> bytes:
    """The bytes of `path`, which must resolve to a regular file inside `folder` (resolved).
    `resolved`: `path` is already a realpath (from resolve_js / resolve_py); it is opened
    with O_NOFOLLOW, so a link put there since is refused, not followed."""
    real = Path(path if resolved else os.path.realpath(path))
    if not inside(real, folder):
        raise Refused("resolves outside the worker's folder")
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise Refused(f"cannot open: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file")
        if info.st_size > MAX_BYTES:
            raise Refused(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
        chunks = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > MAX_BYTES:
            raise Refused(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
        return data
    except OSError as exc:
        raise Refused(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def _candidates(base: str, suffixes: tuple[str, ...]) -> list[str]:
    stem, ext = os.path.splitext(base)
    out = [base] if ext else []
    if ext in (".js", ".jsx", ".mjs", ".cjs"):  # TypeScript's "./x.js" means x.ts
        out += [stem + s for s in (".ts", ".tsx", ".mts", ".cts")]
    out += [base + s for s in suffixes]
    out += [os.path.join(base, "index" + s) for s in suffixes]
    return out


def resolve_js(importer: str, spec: str, folder: str) -> str | None:
    """The file a relative import names (TypeScript's and bundlers' lookup), resolved,
    or None when there is none inside `folder` (resolved). Paths are strings (os.path):
    this runs for every import of a fleet."""
    if not spec.startswith(("./", "../")) and spec not in (".", ".."):
        return None
    spec = spec.split("?", 1)[0]
    base = os.path.normpath(os.path.join(os.path.dirname(importer), spec))
    for candidate in _candidates(base, JS_SUFFIXES):
        if candidate.endswith(JS_SUFFIXES) and os.path.isfile(candidate):
            real = os.path.realpath(candidate)
            return real if real.startswith(folder + os.sep) else None
    return None


def resolve_py(importer: str, module: str, level: int, root: str, folder: str) -> str | None:
    """A local module: `import x` (beside the entry module) or `from .x import y`."""
    base = root if level == 0 else os.path.dirname(importer)
    for _ in range(max(level - 1, 0)):
        base = os.path.dirname(base)
    parts = [p for p in module.split(".") if p]
    if not parts:
        return None
    target = os.path.join(base, *parts)
    for candidate in (target + ".py", os.path.join(target, "__init__.py")):
        if os.path.isfile(candidate):
            real = os.path.realpath(candidate)
            return real if real.startswith(folder + os.sep) else None
    return None
