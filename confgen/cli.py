"""The command line: parse options, call one stage function, print, exit. Nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from confgen import report
from confgen.diagnostics import Diagnostic
from confgen.load import Unreadable

if TYPE_CHECKING:
    from confgen.model import Project

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
DIFF_SHOWS = frozenset({"CG411", "CG412", "CG414"})  # what --diff prints as a diff instead

manifest_option = click.option(
    "--manifest", "manifest", default="project.toml", show_default=True,
    type=click.Path(dir_okay=True, path_type=Path), help="The manifest to read.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(sorted(report.FORMATTERS)), default="text",
    show_default=True, help="How to print diagnostics.")


def as_given(manifest: Path, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Output files are named relative to the manifest's folder; report them as the user
    reaches them (sub/workers/x/wrangler.jsonc for --manifest sub/project.toml)."""
    folder = manifest.parent
    if folder == Path("."):
        return list(diagnostics)
    return [d if d.file == str(manifest) else replace(d, file=(folder / d.file).as_posix())
            for d in diagnostics]


def emit(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    color = fmt == "text" and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    out = report.FORMATTERS[fmt](diagnostics, color=color)
    if out or fmt != "text":
        click.echo(out)


def unreadable(manifest: Path, exc: Unreadable, fmt: str) -> None:
    emit([Diagnostic(str(manifest), 1, 1, "CG002", str(exc))], fmt)
    sys.exit(EXIT_USAGE)


def fail_usage(message: str) -> None:
    click.echo(f"confgen: {message}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confgen")
def main() -> None:
    """Validate and compile a Cloudflare Workers platform manifest (project.toml)."""


@main.command()
@manifest_option
@format_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(manifest: Path, fmt: str, strict: bool) -> None:
    """Check the manifest: schema and cross-reference rules."""
    from confgen.validate import validate_file

    try:
        result = validate_file(manifest)
    except Unreadable as exc:
        unreadable(manifest, exc, fmt)
        return
    emit(as_given(manifest, result.diagnostics), fmt)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    sys.exit(EXIT_FAIL if failed else EXIT_OK)


@main.command()
def codes() -> None:
    """List every diagnostic code with its severity and help (Markdown)."""
    from confgen.diagnostics import codes_markdown

    click.echo(codes_markdown(), nl=False)


@main.command("schema")
def print_schema() -> None:
    """Print the manifest's JSON Schema (for editors and `#:schema` lines)."""
    from confgen.schema import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
@manifest_option
@format_option
@click.option("--check", is_flag=True, help="Write nothing; fail if any output is not current.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print what would change.")
@click.option("--force", is_flag=True, help="Overwrite or remove files edited by hand.")
def generate(manifest: Path, fmt: str, check: bool, show_diff: bool, force: bool) -> None:
    """Compile the manifest into every output (wrangler files, domain routes, router)."""
    from confgen import generate as gen
    from confgen import write

    if check and show_diff:
        fail_usage("--check and --diff are alternatives; pick one")
    try:
        done = gen.check(manifest) if check or show_diff else gen.generate(manifest, force)
    except Unreadable as exc:
        unreadable(manifest, exc, fmt)
        return
    shown = sorted(as_given(manifest, done.diagnostics))
    if show_diff:
        click.echo(write.unified_diff(list(done.entries)), nl=False)
        shown = [d for d in shown if d.code not in DIFF_SHOWS]
    emit(shown, fmt)
    if fmt == "text" and not check and not show_diff and done.ok:
        for path in done.written:
            click.echo(f"wrote {path}", err=True)
        if not done.written:
            click.echo("all outputs current", err=True)
    sys.exit(EXIT_OK if done.ok else EXIT_FAIL)


def _project_or_exit(manifest: Path, fmt: str) -> Project:
    """The validated model, or the diagnostics printed and the process ended."""
    from confgen.validate import validate_file

    try:
        result = validate_file(manifest)
    except Unreadable as exc:
        unreadable(manifest, exc, fmt)
        raise  # unreachable: unreadable() exits
    if result.project is None or result.errors:
        emit(result.diagnostics, fmt)
        sys.exit(EXIT_FAIL)
    return result.project


@main.command()
@click.argument("url")
@click.option("--env", "env", default=None, help="The environment (default: the top level).")
@manifest_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def route(url: str, env: str | None, manifest: Path, fmt: str) -> None:
    """Explain where a request to URL goes: the route that takes it, then the router table."""
    import json

    from confgen.explain import as_text, explain

    project = _project_or_exit(manifest, fmt)
    if env is not None and env not in project.env_names:
        fail_usage(f"no environment {env!r} in {manifest} "
                   f"(declared: {', '.join(project.env_names) or 'none'})")
    try:
        found = explain(project, url, env)
    except ValueError as exc:  # urllib's verdict on a malformed URL
        fail_usage(f"{url!r} is not a URL: {exc}")
        return
    click.echo(json.dumps(found.as_dict(), indent=2) if fmt == "json" else as_text(found))
    sys.exit(EXIT_OK if found.routed else EXIT_FAIL)


@main.command()
@click.option("--env", "env", default=None, help="The environment (default: the top level).")
@manifest_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def plan(env: str | None, manifest: Path, fmt: str) -> None:
    """Deploy order (bound workers first) and the exact wrangler commands, secrets included."""
    import json

    from confgen import plan as planning

    project = _project_or_exit(manifest, fmt)
    if env is not None and env not in project.env_names:
        fail_usage(f"no environment {env!r} in {manifest} "
                   f"(declared: {', '.join(project.env_names) or 'none'})")
    try:
        steps = planning.plan(project, env)
    except planning.CycleError as exc:
        click.echo(f"confgen: {exc}", err=True)
        sys.exit(EXIT_FAIL)
    if fmt == "json":
        click.echo(json.dumps({"env": env, "steps": [
            {"worker": s.worker, "script": s.script, "namespace": s.namespace,
             "commands": list(s.commands)} for s in steps]}, indent=2))
    else:
        click.echo(planning.as_text(steps, env))


@main.command()
@manifest_option
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid",
              show_default=True)
def graph(manifest: Path, fmt: str) -> None:
    """Draw workers, bindings, namespaces and routes (Mermaid or Graphviz DOT)."""
    from confgen.graph import RENDERERS

    project = _project_or_exit(manifest, "text")
    click.echo(RENDERERS[fmt](project), nl=False)
