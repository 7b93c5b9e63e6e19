"""Output paths as text: one spelling per file, and names every platform can create.

Lexical only; what the filesystem makes of a path (links, folders in the way) is
confgen.fs's business.
"""

from __future__ import annotations

import re
from functools import cache

# Names Windows reserves in every folder, with or without an extension.
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?\Z", re.IGNORECASE)
_FORBIDDEN = frozenset('<>:"|?*\\')


@cache
def normalise(path: str) -> str | None:
    """The one spelling of a relative path (`./a//b/../c` -> `a/c`), or None when it is
    absolute, leaves the folder, or holds a character that is not printable.

    Plain string work (as PurePosixPath splits: empty and `.` parts dropped), cached:
    every stage asks about the same few paths per worker."""
    if not path or not path.isprintable():
        return None
    posix = path.replace("\\", "/")
    if posix.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return None
    parts: list[str] = []
    for part in posix.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts) if parts else None


def unportable(path: str) -> str | None:
    """Why a file cannot be created under this name on some platform, or None."""
    if path.endswith(("/", "\\")):
        return "it ends with a slash, so it names a folder, not a file"
    for part in path.replace("\\", "/").split("/"):
        if part in ("", ".", ".."):
            continue
        if _RESERVED.match(part):
            return f"{part!r} is a name Windows reserves"
        bad = sorted(set(part) & _FORBIDDEN)
        if bad:
            return f"{part!r} holds {''.join(bad)!r}, which Windows does not allow in names"
        if part.endswith((" ", ".")):
            return f"{part!r} ends with a space or a dot, which Windows drops"
    return None
