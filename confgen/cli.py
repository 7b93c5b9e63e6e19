"""The command line: parse options, call one stage function, print, exit. Nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from confgen import report
from confgen.diagnostics import Diagnostic
from confgen.load import Unreadable

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

manifest_option = click.option(
    "--manifest", "manifest", default="project.toml", show_default=True,
    type=click.Path(dir_okay=True, path_type=Path), help="The manifest to read.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(sorted(report.FORMATTERS)), default="text",
    show_default=True, help="How to print diagnostics.")


def emit(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    color = fmt == "text" and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    out = report.FORMATTERS[fmt](diagnostics, color=color)
    if out or fmt != "text":
        click.echo(out)


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
        fail_usage(str(exc))
        return
    emit(result.diagnostics, fmt)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    sys.exit(EXIT_FAIL if failed else EXIT_OK)


@main.command("schema")
def print_schema() -> None:
    """Print the manifest's JSON Schema (for editors and `#:schema` lines)."""
    from confgen.schema import schema_text

    click.echo(schema_text(), nl=False)
