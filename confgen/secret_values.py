"""Secret values for `confgen deploy`: where each comes from, the private file wrangler
reads them from, and scrubbing them out of anything shown.

Values are never put in an exception message, a log line or a file other than the one
private temporary file of the step that needs them, which is removed when the step ends
(also when it fails or is interrupted).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from confgen.record import record

_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
MASK = "***"


class SecretsError(Exception):
    """The secrets file cannot be used; the message names the file and line, never a value."""


@record
class Found:
    values: dict[str, str]  # name -> value, for every name that has one
    sources: dict[str, str]  # name -> "file <path>" | "environment"
    missing: tuple[str, ...]  # sorted names without a (non-empty) value


def _unquote(raw: str, where: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        if raw[0] == '"':
            inner = inner.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
        return inner
    if raw[:1] in ("'", '"'):
        raise SecretsError(f"{where}: unterminated quoted value")
    return raw.split(" #", 1)[0].rstrip()  # an unquoted value ends at a comment


def read_file(path: Path) -> dict[str, str]:
    """A JSON object of strings, or .env lines `NAME=value` (no `$VAR` expansion)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise SecretsError(f"{path}: cannot read the secrets file: {reason}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SecretsError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: "
                               f"{exc.msg}") from None
        bad = sorted(k for k, v in data.items() if not isinstance(v, str))
        if bad:
            raise SecretsError(f"{path}: the value of {', '.join(bad)} must be a string")
        return dict(data)
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _DOTENV_LINE.match(line)
        if match is None:
            raise SecretsError(f"{path}:{number}: expected NAME=value (JSON or .env format)")
        values[match[1]] = _unquote(match[2], f"{path}:{number}")
    return values


def find(names: set[str], file: Path | None, environ: Mapping[str, str]) -> Found:
    """Each name's value: from the file when it has it, else the environment variable of
    the same name. An empty value counts as missing."""
    from_file = read_file(file) if file is not None else {}
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name in sorted(names):
        if from_file.get(name):
            values[name], sources[name] = from_file[name], f"file {file}"
        elif environ.get(name):
            values[name], sources[name] = environ[name], "environment"
    return Found(values, sources, tuple(sorted(names - values.keys())))


@contextmanager
def private_file(values: Mapping[str, str]) -> Iterator[Path]:
    """A JSON file only this user can read, in a folder only this user can enter; both
    are removed when the block ends, however it ends."""
    folder = Path(tempfile.mkdtemp(prefix="confgen-secrets-"))  # mode 0700
    try:
        path = folder / "secrets.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(dict(values), out)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def redact(text: str, values: Mapping[str, str]) -> str:
    """`text` with every secret value replaced by *** (longest first)."""
    for value in sorted(set(values.values()), key=len, reverse=True):
        if value:
            text = text.replace(value, MASK)
    return text
