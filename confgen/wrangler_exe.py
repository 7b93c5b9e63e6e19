"""Find the wrangler a user has, and check it is one confgen's commands are made for.

Looked for in this order: the `WRANGLER` environment variable (a command line, e.g.
`/opt/wrangler/bin/wrangler` or `pnpm exec wrangler`), the project's own
`node_modules/.bin/wrangler` (beside the manifest or in a folder above it, nearest first),
then `npx wrangler`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from confgen.record import record

# The wrangler versions whose `deploy` takes every option confgen's plan uses
# (--dispatch-namespace, --secrets-file, --dry-run, --outdir). The lower bound is the
# version confgen is tested with (tests/wrangler/package.json); a new major may change them.
SUPPORTED_MIN = (4, 164, 0)
SUPPORTED_BELOW = (5, 0, 0)
SUPPORTED = (f">={'.'.join(map(str, SUPPORTED_MIN))}, "
             f"<{'.'.join(map(str, SUPPORTED_BELOW))}")
VERSION_TIMEOUT = 120.0  # npx may have to download wrangler first
_VERSION = re.compile(r"\b(\d+)\.(\d+)\.(\d+)\b")


class WranglerError(Exception):
    """No usable wrangler; the message says what was tried and what to do."""


@record
class Wrangler:
    argv: tuple[str, ...]  # the command that runs wrangler
    found_by: str  # how it was found, for the log
    version: str


def locate(root: Path, environ: Mapping[str, str]) -> tuple[tuple[str, ...], str]:
    given = environ.get("WRANGLER", "").strip()
    if given:
        try:
            argv = tuple(shlex.split(given))
        except ValueError as exc:
            raise WranglerError(f"WRANGLER={given!r} is not a command line: {exc}") from None
        return argv, "the WRANGLER environment variable"
    for folder in (root, *root.parents):  # as node resolves packages: nearest first
        local = folder / "node_modules" / ".bin" / "wrangler"
        if os.access(local, os.X_OK):
            return (str(local),), f"{local}"
    npx = shutil.which("npx", path=environ.get("PATH"))
    if npx:
        return (npx, "wrangler"), "npx wrangler"
    raise WranglerError(
        f"wrangler not found: set WRANGLER to its command, or run `npm install --save-dev "
        f"wrangler` in {root} or a folder above it, or put npx on PATH")


def _parse(text: str) -> tuple[int, int, int] | None:
    match = _VERSION.search(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def find(root: Path, environ: Mapping[str, str]) -> Wrangler:
    """The wrangler to use, after `wrangler --version` proved it runs and is supported."""
    argv, found_by = locate(root, environ)
    shown = shlex.join(argv)
    try:
        proc = subprocess.run([*argv, "--version"], cwd=root, env=dict(environ),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=VERSION_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "no answer in time"
        raise WranglerError(f"`{shown} --version` (found by {found_by}) failed: "
                            f"{reason}") from None
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
    version = _parse(out) if proc.returncode == 0 else None
    if version is None:
        last = out.splitlines()[-1] if out else f"exit code {proc.returncode}"
        raise WranglerError(f"`{shown} --version` (found by {found_by}) did not print a "
                            f"version: {last}")
    text = ".".join(map(str, version))
    if not SUPPORTED_MIN <= version < SUPPORTED_BELOW:
        raise WranglerError(f"wrangler {text} ({shown}, found by {found_by}) is not supported:"
                            f" confgen needs wrangler {SUPPORTED}")
    return Wrangler(argv, found_by, text)
