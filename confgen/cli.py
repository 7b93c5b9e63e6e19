"""The command line: parse options, call one stage function, print, exit. Nothing else.

The installed `confgen` starts in confgen.launch, which runs plain validate and generate
command lines itself (they share their bodies, in confgen.run, with the commands here) and
hands everything else to `main` below: help, completion, usage errors, other commands."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from confgen import report, run
from confgen.load import Unreadable
from confgen.record import replace
from confgen.run import (
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    as_given,
    emit,
    fail_usage,
    one_manifest,
    unreadable,
)

if TYPE_CHECKING:
    from confgen.model import Project


manifest_option = click.option(
    "--manifest", "manifest", default=None,
    type=click.Path(dir_okay=True, readable=False, path_type=Path),
    help="The manifest (a folder means its project.toml). Default: the nearest "
         "project.toml in the current folder or above.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(sorted(report.FORMATTERS)), default="text",
    show_default=True, help="How to print diagnostics.")


def _report_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options every diagnostics-reporting command shares."""
    for option in reversed((
        click.argument("manifests", nargs=-1, type=click.Path(path_type=str)),
        manifest_option,
        click.option("--all", "every", is_flag=True,
                     help="Every manifest of the repository (each project.toml, and each "
                          "NAME.toml with a NAME.confgen.lock)."),
        format_option,
        click.option("--select", multiple=True, metavar="CODES",
                     help="Report only these codes or prefixes (CG2 = every CG2xx); "
                          "replaces [lint].select."),
        click.option("--ignore", multiple=True, metavar="CODES",
                     help="Never report these codes or prefixes; adds to [lint].ignore."),
        click.option("--quiet", "-q", is_flag=True,
                     help="Print diagnostics only: no summary, no progress lines."),
        click.option("--color", type=click.Choice(["auto", "always", "never"]),
                     default="auto", show_default=True,
                     help="Color text output (auto: on a terminal; FORCE_COLOR and NO_COLOR "
                          "are honoured)."),
    )):
        command = option(command)
    return command


EXAMPLES_VALIDATE = """
\b
Examples:
  confgen validate                       # the nearest project.toml, upward
  confgen validate infra other.toml      # infra/project.toml and other.toml
  confgen validate --all --format sarif  # every manifest of the repository
  cat project.toml | confgen validate -  # from standard input
  confgen validate --ignore CG253 --strict

\b
Exit codes: 0 clean (warnings allowed), 1 errors (or warnings with --strict),
2 usage or an unreadable manifest.
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confgen")
def main() -> None:
    """Validate and compile a Cloudflare Workers platform manifest (project.toml).

    Shell completion: eval "$(_CONFGEN_COMPLETE=bash_source confgen)" (zsh_source,
    fish_source for other shells).
    """
    # One short run that builds a large acyclic model: the cycle collector only rescans it
    # (a third of the model and render time on 1,000 workers) and finds next to nothing.
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)  # in-process callers get it back


@main.command(epilog=EXAMPLES_VALIDATE)
@_report_options
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(manifests: tuple[str, ...], manifest: Path | None, every: bool, fmt: str,
             select: tuple[str, ...], ignore: tuple[str, ...], quiet: bool, color: str,
             strict: bool) -> None:
    """Check manifests: schema, cross-reference rules, where their paths land."""
    run.validate(run.Reporting(manifests, manifest, every, fmt, select, ignore, quiet, color),
                 strict)

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


EXAMPLES_GENERATE = """
\b
Examples:
  confgen generate                     # write what changed (nearest project.toml)
  confgen generate --check --all       # CI / pre-commit: every manifest current?
  confgen generate --diff | git apply  # the change as a patch, paths from here
  confgen generate --force             # also replace outputs edited by hand

\b
Exit codes: 0 written or current, 1 manifest errors, outputs not current
(--check, --diff) or refused files (nothing written), 2 usage or an
unreadable manifest.
"""


@main.command(epilog=EXAMPLES_GENERATE)
@_report_options
@click.option("--check", is_flag=True, help="Write nothing; fail if any output is not current.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print what would change.")
@click.option("--force", is_flag=True, help="Overwrite outputs edited by hand.")
def generate(manifests: tuple[str, ...], manifest: Path | None, every: bool, fmt: str,
             select: tuple[str, ...], ignore: tuple[str, ...], quiet: bool, color: str,
             check: bool, show_diff: bool, force: bool) -> None:
    """Compile manifests into every output (wrangler files, domain routes, router)."""
    run.generate(run.Reporting(manifests, manifest, every, fmt, select, ignore, quiet, color),
                 check, show_diff, force)

def _project_or_exit(manifest: Path, fmt: str) -> Project:
    """The validated model, or the diagnostics printed and the process ended
    (`manifest` as one_manifest gives it)."""
    from confgen.validate import validate_file

    try:
        result = validate_file(manifest)
    except Unreadable as exc:
        unreadable(manifest, exc, fmt)
        raise  # unreachable: unreadable() exits
    if result.project is None or result.errors:
        emit(as_given(manifest, result.diagnostics), fmt)
        sys.exit(EXIT_FAIL)
    return result.project


@main.command()
@click.argument("url")
@click.option("--env", "env", default=None, help="The environment (default: the top level).")
@manifest_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def route(url: str, env: str | None, manifest: Path | None, fmt: str) -> None:
    """Explain where a request to URL goes: the route that takes it, then the router table."""
    manifest = one_manifest(manifest)
    import json

    from confgen.explain import as_text, explain

    project = _project_or_exit(manifest, fmt)
    if env is not None and env not in project.env_names:
        fail_usage(f"no environment {env!r} in {manifest} "
                   f"(declared: {', '.join(project.env_names) or 'none'})")
    try:
        found = explain(project, url, env)
    except ValueError as exc:  # not a URL a browser would send (confgen.urls)
        fail_usage(f"{url!r} is not a URL: {exc}")
        return
    click.echo(json.dumps(found.as_dict(), indent=2) if fmt == "json" else as_text(found))
    sys.exit(EXIT_OK if found.routed else EXIT_FAIL)


@main.command()
@click.option("--env", "env", default=None, help="The environment (default: the top level).")
@manifest_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def plan(env: str | None, manifest: Path | None, fmt: str) -> None:
    """Deploy order (bound workers first) and the exact wrangler commands, secrets included."""
    manifest = one_manifest(manifest)
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
    unnamed = tuple(planning.unnamed(project, env))
    if fmt == "json":
        click.echo(json.dumps({"env": env, "steps": [s.as_dict() for s in steps],
                               "not_deployed": list(unnamed)}, indent=2))
    else:
        click.echo(planning.as_text(steps, env, unnamed))


EXAMPLES_DEPLOY = """
\b
Examples:
  confgen deploy --env staging --dry-run     # wrangler deploy --dry-run, every step
  confgen deploy --env production            # secrets from same-named variables
  confgen deploy --env production --secrets-file ~/prod.env --only auth,db
  confgen deploy --env production --from db  # resume where a run stopped

\b
wrangler: $WRANGLER, else node_modules/.bin/wrangler beside the manifest or
above, else npx wrangler (>=4.164.0, <5). Exit codes: 0 every step done, 1 refused (outputs not
current, secrets missing, wrangler) or a step failed, 2 usage or an
unreadable manifest, 130 interrupted. See docs/deploy.md.
"""


@main.command(epilog=EXAMPLES_DEPLOY)
@click.option("--env", "env", default=None, help="The environment to deploy.")
@manifest_option
@click.option("--only", "only", multiple=True, metavar="WORKER[,WORKER...]",
              help="Deploy only these workers (still in plan order). Repeatable.")
@click.option("--from", "start", default=None, metavar="WORKER",
              help="Start at this worker's step (resume after a failure).")
@click.option("--secrets-file", "secrets_file", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="JSON or .env file with secret values (else environment variables).")
@click.option("--dry-run", is_flag=True, help="Run `wrangler deploy --dry-run` for each step.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: a line per step; json: one JSON object per line.")
def deploy(env: str | None, manifest: Path | None, only: tuple[str, ...], start: str | None,
           secrets_file: Path | None, dry_run: bool, fmt: str) -> None:
    """Carry out `confgen plan`: one `wrangler deploy` per worker, in plan order."""
    from confgen import deploy as deploying
    from confgen import deploy_log as log

    given = None if manifest is None else str(manifest)
    manifest = one_manifest(manifest)
    names = tuple(n for o in only for n in o.split(",") if n)
    request = deploying.Request(manifest, env, names, start, dry_run, secrets_file, fmt, given)
    try:
        prepared = deploying.prepare(request, os.environ)
    except KeyboardInterrupt:
        click.echo("confgen deploy: interrupted before the first step; nothing ran", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except deploying.Refused as exc:
        if fmt == "json":
            click.echo(log.refused_json(exc))
        else:
            emit(sorted(as_given(manifest, exc.diagnostics)), "text")
            click.echo(f"confgen deploy: {exc}", err=True)
        sys.exit(EXIT_USAGE if exc.usage else EXIT_FAIL)
    text = fmt == "text"
    click.echo("\n".join(log.start_text(prepared)) if text else log.start_json(prepared))
    try:
        outcome = deploying.run(prepared, os.environ, lambda r: click.echo(
            "\n".join(log.step_text(r)) if text else log.step_json(r)))
    except KeyboardInterrupt:  # between two steps: each finished one has its line above
        click.echo("confgen deploy: interrupted between steps", err=True)
        sys.exit(EXIT_INTERRUPTED)
    click.echo("\n".join(log.end_text(prepared, outcome)) if text
               else log.end_json(prepared, outcome), err=text and outcome.status != "ok")
    sys.exit({"ok": EXIT_OK, "failed": EXIT_FAIL}.get(outcome.status, EXIT_INTERRUPTED))


@main.command()
@manifest_option
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid",
              show_default=True)
def graph(manifest: Path | None, fmt: str) -> None:
    """Draw workers, bindings, namespaces and routes (Mermaid or Graphviz DOT)."""
    manifest = one_manifest(manifest)
    from confgen.graph import RENDERERS

    project = _project_or_exit(manifest, "text")
    click.echo(RENDERERS[fmt](project), nl=False)


EXAMPLES_IMPORT = """
\b
Examples:
  confgen import                       # the wrangler files under this folder
  confgen import apps --format json    # the table and diagnostics as data
  confgen import --force               # replace an existing project.toml

\b
Exit codes: 0 every file proven equal, 1 differences or keys the format
cannot say (project.toml and confgen.lock are written anyway), 2 usage
(not a folder, no wrangler files, a manifest already there).
See docs/import.md.
"""


@main.command("import", epilog=EXAMPLES_IMPORT)
@click.argument("folder", default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing project.toml and confgen.lock.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def import_command(folder: Path, force: bool, fmt: str) -> None:
    """Write FOLDER/project.toml from the wrangler files under FOLDER (default: here), and
    prove per worker and environment that generating from it changes nothing."""
    import json

    from confgen import importer
    from confgen.importer.table import as_text

    try:
        done = importer.run(folder, force)
    except importer.Refused as exc:
        fail_usage(str(exc))
        return
    except OSError as exc:
        click.echo(f"confgen: cannot write in {folder}: {exc.strerror}", err=True)
        sys.exit(EXIT_FAIL)
    shown = [d if folder == Path(".") else replace(d, file=(folder / d.file).as_posix())
             for d in done.diagnostics]
    if fmt == "json":
        data = {**json.loads(report.as_json(shown)), **importer.summary(done)}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        emit(shown, fmt)
        click.echo(as_text(done.pairs, len(done.adopted)))
        click.echo(f"wrote {folder / importer.MANIFEST} and {folder / 'confgen.lock'}", err=True)
    sys.exit(EXIT_OK if done.ok else EXIT_FAIL)
