"""Stage 4: model -> {output path: text}. No I/O beyond reading templates.

Every output carries the data it was rendered from; `verify` parses the text
back (strict JSON for jsonc and json, tomllib for toml, ast for the router
module) and compares, types included. The write stage verifies each file it is
about to write; files already current skip it.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import jinja2

from confgen import domains, wrangler
from confgen.compat import tomllib
from confgen.model import Project
from confgen.paths import normalise
from confgen.record import record, replace
from confgen.router_table import RouterSpec, render_router_module, table_data
from confgen.templating import render


class RenderError(Exception):
    """A rendered file does not parse back to what was meant (a template bug)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@record
class Output:
    path: str  # posix, relative to the manifest's folder
    syntax: str  # "jsonc", "toml", "json", "python" or "typescript": how to parse it back
    text: str
    meant: Any = None  # what it must parse back to (python: its top-level tables by name)


def _module_tables(tree: ast.Module, names: set[str]) -> dict[str, Any]:
    """Top-level `NAME = literal` assignments of a module (frozenset([...]) included)."""
    found: dict[str, Any] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if not isinstance(target, ast.Name) or target.id not in names or value is None:
            continue
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "frozenset":
            found[target.id] = frozenset(ast.literal_eval(value.args[0]) if value.args else ())
        else:
            found[target.id] = ast.literal_eval(value)
    return found


# A whole line that is a `//` comment, as the jsonc template writes them (header and env
# sections). A line holding another character that JSONC or JSON5 take for a line end
# (CR, U+2028, U+2029) is not matched, stays in, and sends the text to the JSON5 parser.
_COMMENT_LINE = re.compile(r"^[ \t]*//[^\n\r\u2028\u2029]*$", re.MULTILINE)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _strict_json(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constants)


def parse_jsonc(text: str) -> Any:
    """What wrangler reads from a jsonc file that confgen wrote.

    Fast and exact: blank the whole-line `//` comments, then parse strict JSON. In strict
    JSON no string spans a line, so each blanked line lay between tokens, where JSONC
    (wrangler's parser) and JSON5 both read it as a comment: whenever the strict parse
    succeeds, both of them give this same value. Text it refuses (a trailing comma, a
    block comment) is what a different template would write; JSON5 then decides."""
    try:
        return _strict_json(_COMMENT_LINE.sub("", text))
    except ValueError:
        import json5  # deferred: slow to import and slow to run; only the fallback needs it

        return json5.loads(text)


def _canonical(value: Any) -> str:
    """JSON with sorted keys: tells true from 1 and 1 from 1.0, which == does not."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


def verify(output: Output) -> None:
    """Raise RenderError unless the text parses back to exactly what was meant."""
    try:
        if output.syntax == "jsonc":
            parsed = parse_jsonc(output.text)
        elif output.syntax == "toml":
            parsed = tomllib.loads(output.text)
        elif output.syntax == "json":
            parsed = _strict_json(output.text)
        elif output.syntax == "typescript":  # a worker's Env declaration (confgen.envtypes)
            from confgen.envtypes import parse_back

            parsed = parse_back(output.text)
        else:
            parsed = _module_tables(ast.parse(output.text, feature_version=(3, 9)),
                                    set(output.meant))
    except (ValueError, SyntaxError) as exc:  # every parser's error is one of these
        raise RenderError(output.path, f"does not parse: {exc}") from None
    same = parsed == output.meant
    if same and output.syntax != "python":  # the router's tables hold frozensets
        same = _canonical(parsed) == _canonical(output.meant)
    if not same:
        raise RenderError(output.path, "does not parse back to the data it was rendered from")


@contextmanager
def _rendering(path: str) -> Iterator[None]:
    """A template or router-table failure becomes a RenderError naming the output."""
    try:
        yield
    except jinja2.TemplateError as exc:
        where = f" ({exc.name}:{exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) \
            else ""
        raise RenderError(path, f"template error{where}: {exc.message}") from None
    except (ValueError, SyntaxError) as exc:
        raise RenderError(path, f"cannot render: {exc}") from None


def header(source: str) -> list[str]:
    """The do-not-edit lines; `source` is the manifest's file name, made one safe line."""
    return [f"Generated by confgen from {source}. Do not edit: changes here are lost and",
            f"`confgen generate --check` fails. Edit {source}, then run `confgen generate`."]


_HEADER = re.compile(r"(//|#) Generated (by confgen from|from .* by confgen)")


def generated_by_confgen(data: bytes) -> bool:
    """Whether a file's content is one confgen generates: it opens with confgen's header
    comment, or (domain-routes.json, which cannot hold a comment) it is exactly the JSON
    confgen renders for the entries it holds."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if _HEADER.match(text):
        return True
    try:
        routes = json.loads(text)
    except ValueError:
        return False
    if not isinstance(routes, list) or not all(
            isinstance(r, dict) and set(r) == {"domain", "service", "binding", "requiresAuth"}
            for r in routes):
        return False
    return render("domain-routes.json.j2", routes=routes) == text


def render_wrangler(file: wrangler.WranglerFile, source: str) -> Output:
    with _rendering(file.path):
        text = render(f"wrangler.{file.format}.j2", header=header(source), top=file.top,
                      envs=file.envs)
    return Output(file.path, file.format, text, file.data())


def render_domain_routes(project: Project) -> Output | None:
    if project.domains is None:
        return None
    routes = domains.entries(project)
    with _rendering(project.domains.output):
        text = render("domain-routes.json.j2", routes=routes)
    return Output(project.domains.output, "json", text, routes)


def router_spec(project: Project, source: str) -> RouterSpec | None:
    router = project.router
    if router is None:
        return None
    return RouterSpec(hosts=dict(router.hosts), paths=dict(router.paths),
                      root_domains=router.root_domains, default=router.default,
                      namespace_bindings=dict(router.namespace_bindings), source=source)


def render_router(project: Project, source: str) -> Output | None:
    spec = router_spec(project, source)
    if spec is None or project.router is None:
        return None
    with _rendering(project.router.output):
        return Output(project.router.output, "python", render_router_module(spec),
                      table_data(spec))


def planned(project: Project, source: str = "project.toml") -> dict[str, Callable[[], Output]]:
    """Every output's path (normalised), in path order, with the call that renders it:
    generate renders and compares one at a time, and keeps only what changed (the
    texts and parse-back data of 3,000 workers at once were a third of --check's memory).
    A render failure raises RenderError from the call."""
    from confgen import envtypes  # each worker's typed Env (issue #11)

    source = "".join(c if c.isprintable() else "?" for c in source)
    found: dict[str, Callable[[], Output]] = {}

    def add(path: str, make: Callable[[], Output], label: str | None = None) -> None:
        def made() -> Output:
            with _rendering(label or path):
                output = make()
            # One spelling per file: `./x`, `a/../x` and `x` are the same output, and the
            # lock knows it by this name (validate has rejected paths that do not normalise).
            return replace(output, path=normalise(output.path) or output.path)

        found[normalise(path) or path] = made

    for worker in project.workers:
        add(worker.output, partial(_wrangler_of, project, worker, source))
    if project.domains is not None:
        add(project.domains.output, partial(_required, render_domain_routes, project))
    if project.router is not None:
        add(project.router.output, partial(_required, render_router, project, source))
    for worker in project.workers:
        path = envtypes.output_path(worker)
        if path is not None:
            add(path, partial(envtypes.output, worker, source), "worker-configuration.d.ts")
    return {p: found[p] for p in sorted(found)}


def _wrangler_of(project: Project, worker: Any, source: str) -> Output:
    return render_wrangler(wrangler.wrangler_file(project, worker), source)


def _required(make: Callable[..., Output | None], *args: Any) -> Output:
    output = make(*args)
    assert output is not None
    return output


def render_all(project: Project, source: str = "project.toml") -> dict[str, Output]:
    return {p: make() for p, make in planned(project, source).items()}
