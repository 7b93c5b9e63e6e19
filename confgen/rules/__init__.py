"""The cross-reference rules, in one explicit registry (no folder walking)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from confgen.diagnostics import Issue
from confgen.model import Project
from confgen.rules import (
    bindings,
    code,
    domains,
    durable,
    graph,
    lint,
    outputs,
    references,
    resources,
    router,
    routes,
    scripts,
    variables,
)
from confgen.source.scan import Sources

Rule = Callable[[Project], Iterable[Issue]]

RULES: tuple[Rule, ...] = (
    *references.RULES,
    *scripts.RULES,
    *resources.RULES,
    *bindings.RULES,
    *durable.RULES,
    *variables.RULES,
    *graph.RULES,
    *routes.RULES,
    *router.RULES,
    *domains.RULES,
    *outputs.RULES,
    *lint.RULES,
)


def run(project: Project) -> list[Issue]:
    return [issue for rule in RULES for issue in rule(project)]


def run_sources(project: Project, sources: Sources) -> list[Issue]:
    """The code-against-config rules (confgen/rules/code.py), on the scanned sources."""
    return [issue for rule in code.RULES for issue in rule(project, sources)]
