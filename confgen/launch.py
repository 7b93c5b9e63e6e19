"""The installed `confgen`: plain validate and generate command lines run without click.

Every commit runs `confgen validate` or `confgen generate --check`, and importing click
costs more start-up than either needs for a small project (inspect, uuid, platform and
threading with it). So this reads those two commands' command lines itself, from the same
option table click declares (a test compares the two tables, and proves both readings
equal on generated command lines), and calls the shared bodies in confgen.run. Anything
else goes to click untouched: help, --version, completion, other commands, and every
command line this reader does not fully understand, so usage errors read as before.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from confgen import run  # what validate and generate run; cli imports it too

# option -> (parameter, kind): "flag" (True when given), "value" (the last one given),
# "many" (every one given, in order), or a tuple of the values click's Choice accepts.
REPORTING: dict[str, tuple[str, Any]] = {
    "--manifest": ("manifest", "value"), "--all": ("every", "flag"),
    "--format": ("fmt", ("github", "json", "sarif", "text")),
    "--select": ("select", "many"), "--ignore": ("ignore", "many"),
    "--quiet": ("quiet", "flag"), "-q": ("quiet", "flag"),
    "--color": ("color", ("auto", "always", "never")),
}
COMMANDS: dict[str, dict[str, tuple[str, Any]]] = {
    "validate": {**REPORTING, "--strict": ("strict", "flag")},
    "generate": {**REPORTING, "--check": ("check", "flag"), "--diff": ("show_diff", "flag"),
                 "--force": ("force", "flag")},
}
# Every option's default, as run.Reporting declares it (all its fields have one).
DEFAULTS: dict[str, Any] = {name: getattr(run.Reporting, name)
                            for name in run.Reporting.__record_fields__}  # type: ignore[attr-defined]


def parse(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """(command, its parameters as click would pass them), or None for click to read."""
    if not argv or argv[0] not in COMMANDS:
        return None
    options = COMMANDS[argv[0]]
    params = {**DEFAULTS, **{name: False for name, kind in options.values() if kind == "flag"}}
    manifests: list[str] = []
    many: dict[str, list[str]] = {"select": [], "ignore": []}
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        if token == "-" or not token.startswith("-"):
            if not token:
                return None
            manifests.append(token)
            continue
        name, equals, value = token.partition("=")
        if name not in options or (equals and not name.startswith("--")):
            return None  # unknown, -h, --, short clusters: click's to read or refuse
        param, kind = options[name]
        if kind == "flag":
            if equals:
                return None
            params[param] = True
            continue
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-"):
            return None
        if isinstance(kind, tuple) and value not in kind:
            return None
        if kind == "many":
            many[param].append(value)
        else:
            params[param] = Path(value) if param == "manifest" else value
    params.update(manifests=tuple(manifests), select=tuple(many["select"]),
                  ignore=tuple(many["ignore"]))
    return argv[0], params


def call(command: str, params: dict[str, Any]) -> None:
    """Run a parsed validate or generate (the body exits the process)."""
    given = run.Reporting(**{name: params[name] for name in DEFAULTS})
    if command == "validate":
        run.validate(given, params["strict"])
    run.generate(given, params["check"], params["show_diff"], params["force"])


def main() -> None:
    parsed = None if "_CONFGEN_COMPLETE" in os.environ else parse(sys.argv[1:])
    if parsed is None:
        from confgen.cli import main as with_click

        with_click()
        return
    gc.disable()  # as the click group does: one short run over a large acyclic model
    code: object = 0
    try:
        call(*parsed)
    except SystemExit as done:
        code = done.code
    except (EOFError, KeyboardInterrupt):  # as click reports them
        sys.stderr.write("\nAborted!\n")
        code = 1
    except BrokenPipeError:  # the reader went away (| head): quietly, as click
        code = 1
    if not isinstance(code, int):
        raise SystemExit(code)
    _leave(code)


def _leave(code: int) -> None:
    """End the process once its output is flushed, without the interpreter's teardown:
    freeing a thousand workers' model object by object took 40 ms, and nothing is left to
    do (every file is written, fsynced and closed before a command returns). A reader that
    went away (| head) ends it quietly with 1, as click does."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = 1
    os._exit(code)
