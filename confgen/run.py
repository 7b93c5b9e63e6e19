"""The commands every commit runs (validate, generate), and what all commands share,
without click: `confgen.launch` calls them straight from a plain command line, and the
click commands in `confgen.cli` call them for everything else. Nothing here parses argv.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from confgen import report, selection
from confgen.diagnostics import Diagnostic, Severity
from confgen.load import Unreadable
from confgen.record import record, replace
from confgen.selection import Selection

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a process ended by Ctrl-C
DIFF_SHOWS = frozenset({"CG411", "CG412", "CG414"})  # what --diff prints as a diff instead
# An ANSI escape sequence, as click strips them (click._compat._ansi_re).
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


@record
class Reporting:
    """The options of every diagnostics-reporting command (validate, generate)."""

    manifests: tuple[str, ...] = ()
    manifest: Path | None = None
    every: bool = False
    fmt: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    quiet: bool = False
    color: str = "auto"


def echo(message: str, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """click.echo for text: a line out and flushed; ANSI escapes removed unless color says
    keep them (or, with color None, the stream is a terminal)."""
    stream = sys.stderr if err else sys.stdout
    out = message + "\n" if nl else message
    if not out:
        stream.flush()
        return
    if not color if color is not None else not stream.isatty():
        out = _ANSI.sub("", out)
    stream.write(out)
    stream.flush()


def use_color(choice: str, fmt: str) -> bool:
    if fmt != "text" or choice == "never":
        return False
    if choice == "always" or os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    if os.environ.get("NO_COLOR", ""):  # no-color.org: set and not empty
        return False
    return sys.stdout.isatty()


def as_given(manifest: Path, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Output files are named relative to the manifest's folder; report them as the user
    reaches them (sub/workers/x/wrangler.jsonc for --manifest sub/project.toml)."""
    folder = manifest.parent
    if folder == Path("."):
        return list(diagnostics)
    return [d if d.file in (str(manifest), "<stdin>") else
            replace(d, file=(folder / d.file).as_posix()) for d in diagnostics]


def emit(diagnostics: Sequence[Diagnostic], fmt: str, color: str = "auto",
         suppressed: Sequence[Diagnostic] = (), quiet: bool = False) -> None:
    colored = use_color(color, fmt)
    out = report.FORMATTERS[fmt](diagnostics, color=colored, suppressed=suppressed)
    if quiet and fmt == "text":
        out = "\n".join(out.splitlines()[:len(diagnostics)])
    if out or fmt != "text":
        echo(out, color=colored)  # click strips escapes off a terminal unless told


def unreadable(manifest: Path, exc: Unreadable, fmt: str) -> None:
    emit([Diagnostic(str(manifest), 1, 1, "CG002", str(exc))], fmt)
    sys.exit(EXIT_USAGE)


def fail_usage(message: str) -> NoReturn:
    echo(f"confgen: {message}", err=True)
    sys.exit(EXIT_USAGE)


def one_manifest(option: Path | None) -> Path:
    """--manifest as given (a folder: its project.toml), else the nearest one upward."""
    from confgen import discover

    if option is not None:
        return discover.named(str(option))
    try:
        return discover.upward()
    except discover.NotFound as exc:
        fail_usage(f"{exc}; name one with --manifest")


def manifests_of(args: tuple[str, ...], option: Path | None, every: bool,
                 stdin_ok: bool = False) -> list[str]:
    """The manifests a command runs on, as the user means them ("-" is standard input)."""
    from confgen import discover

    if every:
        found = discover.everywhere()
        if not found:
            fail_usage("no manifest in this repository")
        return [str(p) for p in found]
    given = [*args, *([str(option)] if option is not None else [])]
    if "-" in given and not stdin_ok:
        fail_usage("reading the manifest from standard input works with validate only")
    if given:
        return [a if a == "-" else str(discover.named(a)) for a in given]
    return [str(one_manifest(None))]


def chosen(select: tuple[str, ...], ignore: tuple[str, ...]) -> Selection:
    try:
        return Selection(selection.codes(select) if select else None, selection.codes(ignore))
    except selection.SelectionError as exc:
        fail_usage(str(exc))


def validate(given: Reporting, strict: bool) -> NoReturn:
    """confgen validate: check manifests, print their diagnostics, exit."""
    from confgen.validate import validate_file

    picked = chosen(given.select, given.ignore)
    shown: list[Diagnostic] = []
    quiet_ones: list[Diagnostic] = []
    usage = False
    for name in manifests_of(given.manifests, given.manifest, given.every, stdin_ok=True):
        path = Path(name)
        try:
            if name == "-":
                result = validate_file(Path("project.toml"), "<stdin>", picked,
                                       raw=sys.stdin.buffer.read())
            else:
                result = validate_file(path, chosen=picked)
        except Unreadable as exc:
            shown.append(Diagnostic(name, 1, 1, "CG002", str(exc)))
            usage = True
            continue
        shown += as_given(path, result.diagnostics)
        quiet_ones += as_given(path, result.suppressed)
    emit(sorted(shown), given.fmt, given.color, sorted(quiet_ones), given.quiet)
    errors = sum(d.severity is Severity.ERROR for d in shown)
    warnings = sum(d.severity is Severity.WARNING for d in shown)  # info never fails
    sys.exit(EXIT_USAGE if usage else EXIT_FAIL if errors or (strict and warnings) else EXIT_OK)



def generate(given: Reporting, check: bool, show_diff: bool, force: bool) -> NoReturn:
    """confgen generate: compile manifests into their outputs (or compare), print, exit."""
    from confgen import generate as gen
    from confgen import write

    if check and show_diff:
        fail_usage("--check and --diff are alternatives; pick one")
    picked = chosen(given.select, given.ignore)
    shown: list[Diagnostic] = []
    quiet_ones: list[Diagnostic] = []
    done_lines: list[str] = []
    failed = usage = False
    for name in manifests_of(given.manifests, given.manifest, given.every):
        path = Path(name)
        try:
            done = gen.check(path, picked) if check or show_diff else \
                gen.generate(path, force, picked)
        except Unreadable as exc:
            shown.append(Diagnostic(name, 1, 1, "CG002", str(exc)))
            usage = True
            continue
        failed = failed or not done.ok
        # info notes (what the source checks could not see) are validate's to print
        diagnostics = as_given(path, [d for d in done.diagnostics
                                      if d.severity is not Severity.INFO])
        if show_diff:
            echo(write.unified_diff(done.entries, _diff_prefix(path)), nl=False)
            diagnostics = [d for d in diagnostics if d.code not in DIFF_SHOWS]
        shown += diagnostics
        quiet_ones += as_given(path, done.suppressed)
        touched = as_given(path, [Diagnostic(p, 1, 1, "CG411", "") for p in
                                  done.written + done.removed])
        verbs = ["wrote"] * len(done.written) + ["removed"] * len(done.removed)
        done_lines += [f"{verb} {d.file}" for verb, d in zip(verbs, touched)]
    emit(sorted(shown), given.fmt, given.color, sorted(quiet_ones), given.quiet)
    if (given.fmt == "text" and not check and not show_diff and not failed
            and not given.quiet):
        for line in done_lines or ["all outputs current"]:
            echo(line, err=True)
    sys.exit(EXIT_USAGE if usage else EXIT_FAIL if failed else EXIT_OK)


def _diff_prefix(manifest: Path) -> str:
    """The manifest's folder relative to the current one, so `git apply` works here."""
    folder = os.path.relpath(manifest.parent if manifest.parent.parts else ".")
    return "" if folder == "." or folder.startswith("..") else Path(folder).as_posix() + "/"
