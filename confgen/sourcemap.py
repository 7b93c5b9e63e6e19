"""Where each key of a TOML document stands: key path -> (line, column).

tomllib parses but forgets positions, and tomlkit keeps no line numbers, so this
scanner walks text that tomllib has already accepted and records the position
of every key (table headers, dotted keys, inline tables, arrays of tables) and
of every array element. It relies on the text being valid TOML.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from confgen.diagnostics import KeyPath

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# Whole strings, multi-line first; unrolled loops, so long strings cost no backtracking.
_STRINGS = (
    re.compile(r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""(?:"{1,2}(?!"))?'),
    re.compile(r"'''[\s\S]*?'''(?:'{1,2}(?!'))?"),
    re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'),
    re.compile(r"'[^'\n]*'"),
)
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class SourceMap:
    """Built on first use: only a diagnostic needs a position, so a clean manifest never
    pays for the scan (a fifth of validate's time on a large one)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._built: dict[KeyPath, tuple[int, int]] | None = None

    @property
    def _positions(self) -> dict[KeyPath, tuple[int, int]]:
        if self._built is None:
            self._built = _Scanner(self._text).scan()
        return self._built

    @property
    def built(self) -> bool:
        return self._built is not None

    def locate(self, path: KeyPath) -> tuple[int, int]:
        """Position of the key, or of its nearest recorded ancestor, or 1:1."""
        positions = self._positions
        for end in range(len(path), 0, -1):
            found = positions.get(path[:end])
            if found is not None:
                return found
        return (1, 1)

    def __contains__(self, path: KeyPath) -> bool:
        return path in self._positions

    def lines(self) -> dict[KeyPath, int]:
        """Every recorded key path and its line."""
        return {path: line for path, (line, _) in self._positions.items()}


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.aot_lengths: dict[KeyPath, int] = {}

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def record(self, path: KeyPath, offset: int) -> None:
        self.positions.setdefault(path, self.where(offset))

    def peek(self, n: int = 1) -> str:
        return self.text[self.i:self.i + n]

    def skip_blank(self, newlines: bool) -> None:
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.i += 1
            elif c == "#":
                while self.i < len(text) and text[self.i] != "\n":
                    self.i += 1
            else:
                return

    def read_string(self) -> str:
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, self.i):
                i = self.i + 3
                while not text.startswith(quote, i):
                    i += 2 if quote == '"""' and text[i] == "\\" else 1
                while text.startswith(quote[0], i + 3):  # up to two more quotes close it
                    i += 1
                self.i = i + 3
                return ""
        quote = text[self.i]
        self.i += 1
        out: list[str] = []
        while text[self.i] != quote:
            c = text[self.i]
            if quote == '"' and c == "\\":
                nxt = text[self.i + 1]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    self.i += 2
                else:
                    width = 4 if nxt == "u" else 8
                    out.append(chr(int(text[self.i + 2:self.i + 2 + width], 16)))
                    self.i += 2 + width
                continue
            out.append(c)
            self.i += 1
        self.i += 1
        return "".join(out)

    def read_key(self) -> list[tuple[str, int]]:
        """A dotted key, as (part, offset) pairs."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_blank(newlines=False)
            start = self.i
            if self.peek() in ('"', "'"):
                parts.append((self.read_string(), start))
            else:
                while self.i < len(self.text) and self.text[self.i] in _BARE:
                    self.i += 1
                parts.append((self.text[start:self.i], start))
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.i += 1

    def skip_string(self) -> None:
        """Past a string value whose text is not needed: one regex match, not a step per
        character (a 50 MB var took minutes), on text tomllib has already accepted."""
        for pattern in _STRINGS:
            found = pattern.match(self.text, self.i)
            if found:
                self.i = found.end()
                return
        self.read_string()  # not reached on valid TOML

    def read_value(self, path: KeyPath) -> None:
        c = self.peek()
        if c in ('"', "'"):
            self.skip_string()
        elif c == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() == "]":
                    self.i += 1
                    return
                self.record(path + (index,), self.i)
                self.read_value(path + (index,))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.i += 1
        elif c == "{":
            self.i += 1
            while True:
                self.skip_blank(newlines=False)
                if self.peek() == "}":
                    self.i += 1
                    return
                self.read_pair(path)
                self.skip_blank(newlines=False)
                if self.peek() == ",":
                    self.i += 1
        else:
            while self.i < len(self.text) and self.text[self.i] not in ",]}#\n":
                self.i += 1

    def read_pair(self, table: KeyPath) -> None:
        path = table
        for part, offset in self.read_key():
            path = path + (part,)
            self.record(path, offset)
        self.skip_blank(newlines=False)
        self.i += 1  # "="
        self.skip_blank(newlines=False)
        self.read_value(path)

    def read_header(self) -> KeyPath:
        array = self.peek(2) == "[["
        self.i += 2 if array else 1
        parts = self.read_key()
        self.i += 2 if array else 1
        path: KeyPath = ()
        for n, (part, offset) in enumerate(parts):
            path = path + (part,)
            last = n == len(parts) - 1
            if last and array:
                index = self.aot_lengths.get(path, 0)
                self.aot_lengths[path] = index + 1
                self.record(path, offset)
                path = path + (index,)
            elif path in self.aot_lengths:
                path = path + (self.aot_lengths[path] - 1,)
            self.record(path, offset)
        return path

    def scan(self) -> dict[KeyPath, tuple[int, int]]:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.i >= len(self.text):
                return self.positions
            if self.peek() == "[":
                table = self.read_header()
            else:
                self.read_pair(table)


def build(text: str) -> SourceMap:
    """Source map of a document that tomllib has accepted (scanned when first asked)."""
    return SourceMap(text)

