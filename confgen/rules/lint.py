"""[lint]: every code it names is one confgen has (a typo would silently select nothing)."""

from __future__ import annotations

from collections.abc import Iterator

from confgen.diagnostics import CODES, Issue
from confgen.model import Project


def known_codes(project: Project) -> Iterator[Issue]:
    table = project.data.get("lint", {})
    for key in ("select", "ignore"):
        for n, code in enumerate(table.get(key, ())):
            if not any(c.startswith(code) for c in CODES):
                yield Issue("CG103", ("lint", key, n), f"{code!r} names no diagnostic code "
                            "(see `confgen codes`)")


RULES = (known_codes,)
