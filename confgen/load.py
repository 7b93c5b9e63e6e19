"""Stage 1: manifest text -> data + source map, or a located syntax diagnostic."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from confgen import sourcemap
from confgen.compat import tomllib
from confgen.diagnostics import Diagnostic
from confgen.record import record

MAX_DEPTH = 64  # a real manifest nests about 6 deep; the scanner and jsonschema recurse
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


class Unreadable(Exception):
    """The manifest file cannot be read at all (exit 2, not a manifest error)."""


@record
class Loaded:
    file: str  # as the user named it, for diagnostics
    root: Path  # the manifest's folder: every path in it is relative to this
    text: str
    data: dict[str, Any]
    positions: sourcemap.SourceMap


MAX_MANIFEST = 256 * 1024 * 1024  # bytes; /dev/zero and friends stop here, not in memory


def read(path: Path) -> bytes:
    """The manifest's bytes: a regular file (a link to one is fine), bounded in size."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except IsADirectoryError:
        raise Unreadable("is a folder, not a manifest") from None
    except FileNotFoundError:
        raise Unreadable("no such file") from None
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("is a folder, not a manifest")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("is not a regular file (a device, FIFO or socket)")
        if info.st_size > MAX_MANIFEST:
            raise Unreadable(f"is {info.st_size} bytes; a manifest is at most {MAX_MANIFEST}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_MANIFEST + 1)
        if len(data) > MAX_MANIFEST:
            raise Unreadable(f"grew past {MAX_MANIFEST} bytes while being read")
        return data
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def parse(raw: bytes, file: str, root: Path) -> Loaded | Diagnostic:
    """Decode and parse; a bad byte or bad TOML becomes a CG001 at its position."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before[before.rfind(b"\n") + 1:]
        column = len(line_start.decode("utf-8", "replace")) + 1  # characters, as tomllib counts
        return Diagnostic(file, line, column, "CG001", f"not UTF-8: byte 0x{raw[exc.start]:02x}")
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        return Diagnostic(file, 1, 1, "CG001", f"nesting deeper than {MAX_DEPTH} levels")
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_AT.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
        else:  # "(at end of document)"
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
        message = _TOML_AT.sub("", message).replace("(at end of document)", "").strip()
        return Diagnostic(file, line, column, "CG001", f"TOML syntax: {message}")
    if depth(data) > MAX_DEPTH:
        return Diagnostic(file, 1, 1, "CG001", f"nesting deeper than {MAX_DEPTH} levels")
    return Loaded(file, root, text, data, sourcemap.build(text))


def depth(data: object) -> int:
    """Nesting depth, without recursion (later stages recurse, so depth is bounded here).

    One level at a time: a level exists when the one above holds any value, and only
    tables and arrays are carried down (scalars are most of a manifest's values)."""
    deepest = 1
    level: list[Any] = [data] if isinstance(data, (dict, list)) else []
    while level:
        below: list[Any] = []
        grew = False
        for value in level:
            children = value.values() if isinstance(value, dict) else value
            if children:
                grew = True
                below += [v for v in children if isinstance(v, (dict, list))]
        if grew:
            deepest += 1
        if deepest > MAX_DEPTH:
            break
        level = below
    return deepest
