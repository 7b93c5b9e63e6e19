"""Import stage 4: make the draft a manifest that validates, then factor out [defaults].

The draft is checked with confgen's own schema and rules. Each error's key is left out (the
smallest unit: a list element, a var, a key, at worst the worker) and reported as a CG504 at
the original key it came from, with confgen's reason; then the check runs again, until the
draft is clean. So import never writes a manifest that `confgen validate` rejects, and the
format's own rules decide what cannot be said (issue #7 widens them). Warnings stay.

Then values that every worker sets identically move to [defaults].
"""

from __future__ import annotations

import copy
from typing import Any

from confgen import resolve, rules, schema, surface
from confgen.diagnostics import CODES, Diagnostic, Issue, KeyPath, Severity, format_path
from confgen.importer.bindings import same
from confgen.importer.structure import Draft

MAX_ROUNDS = 50
# Settings that name a worker's own things: never moved to [defaults].
_OWN = frozenset({"name", "routes", "route", "triggers", "migrations", "account_id"})


def errors(data: dict[str, Any]) -> list[Issue]:
    issues = schema.check(data)
    if not issues:
        issues = rules.run(resolve.build(data))
    return [i for i in issues if CODES[i.code].severity is Severity.ERROR]


def _target(path: KeyPath) -> KeyPath:
    """The smallest part of the draft to leave out for an error at `path`: a list element,
    a var or passthrough key, a key, or (for an error about it as a whole) the worker."""
    if not path:
        return path
    if path[0] == "resources":
        return path[:3]
    if path[0] in ("dispatch_namespaces", "defaults"):
        return path[:2]
    if path[0] != "workers":
        for n, part in enumerate(path):
            if isinstance(part, int):
                return path[:n + 1]
        return path[:3]
    # where the section's keys start: the worker, its `top` or one `env.<env>`
    k = 4 if len(path) >= 4 and path[2] == "env" else 3 if len(path) >= 3 and path[2] == "top" \
        else 2
    if len(path) <= k + 1:
        return path
    for n in range(k + 1, len(path)):
        if isinstance(path[n], int):
            return path[:n + 1]
    if path[k] in ("vars", "wrangler", "queues", "triggers", "unset"):
        return path[:k + 2]
    return path[:k + 1]


def _order(path: KeyPath) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _shift(paths: dict[KeyPath, Any], prefix: KeyPath, last: int) -> None:
    """Renumber the paths below list element `prefix[last]`, which was removed."""
    n = len(prefix)
    moved = {}
    for path in list(paths):
        index = path[n] if len(path) > n else None
        if path[:n] == prefix and isinstance(index, int) and index > last:
            moved[path[:n] + (index - 1,) + path[n + 1:]] = paths.pop(path)
    paths.update(moved)


def _remove(data: dict[str, Any], draft: Draft, target: KeyPath) -> bool:
    node: Any = data
    for part in target[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = target[-1]
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        del node[last]
        _shift(draft.origins, target[:-1], last)
        _shift(draft.suppressed, target[:-1], last)
        return True
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    return False


def _origin(draft: Draft, target: KeyPath) -> tuple[str, KeyPath] | None:
    for end in range(len(target), 0, -1):
        found = draft.origins.get(target[:end])
        if found is not None:
            extra = tuple(target[end:]) if end >= 3 else ()
            return found[0], found[1] + extra
    if len(target) >= 2 and target[0] == "workers" and target[1] in draft.workers:
        return draft.workers[str(target[1])].path, ()
    return None


def _nulls(value: Any, path: KeyPath) -> list[KeyPath]:
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nulls(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, path + (i,))]
    return []


def _left_out(draft: Draft, target: KeyPath, reason: str, code: str = "CG504",
              end: str = "; left out", at: KeyPath | None = None) -> Diagnostic:
    """At the original key `at` (the offending one; default `target`) names, if known."""
    origin = _origin(draft, target)
    file, key = origin if origin else ("project.toml", ())
    original = next((o for o in draft.workers.values() if o.path == file), None)
    line = original.line(key) if original else 1
    exact = _origin(draft, at) if at is not None else None
    if original is not None and exact is not None and exact[0] == file:
        line = original.line(exact[1])
    shown = format_path(key) + ": " if key else ""
    return Diagnostic(file, line, 1, code, f"{shown}{reason}{end}")


def suppressible(issue: Issue) -> bool:
    """A rule's verdict on a value the original has (not a load or schema problem, which
    selection never switches off): kept, with an ignore comment on its manifest line."""
    return issue.code[:3] not in ("CG0", "CG1", "CG4") and bool(issue.path) \
        and issue.path[0] in ("workers", "resources", "dispatch_namespaces")


def fit(draft: Draft) -> list[Diagnostic]:
    """Leave out what confgen rejects, in place; returns the CG504s (and unlocated ones)."""
    found: list[Diagnostic] = []
    for target in sorted(_nulls(draft.data, ()), key=_order, reverse=True):
        found.append(_left_out(draft, target, "null, which TOML (the manifest) cannot hold"))
        _remove(draft.data, draft, target)
    for _ in range(MAX_ROUNDS):
        problems = [i for i in errors(draft.data)
                    if i.code not in draft.suppressed.get(i.path, ())]
        if not problems:
            return found
        targets: dict[KeyPath, Issue] = {}
        kept_any = False
        for issue in problems:
            if suppressible(issue):
                draft.suppressed.setdefault(issue.path, set()).add(issue.code)
                found.append(_left_out(draft, issue.path, f"kept as the original has it, "
                                       f"with `# confgen: ignore[{issue.code}]` on its manifest "
                                       f"line ({issue.code}: {issue.message})", "CG507", ""))
                kept_any = True
                continue
            target = _target(issue.path)
            targets.setdefault(target, issue)
        kept = [t for t in targets if not any(o != t and t[:len(o)] == o for o in targets)]
        progressed = kept_any
        for target in sorted(kept, key=_order, reverse=True):
            issue = targets[target]
            whole = len(target) == 2 and target[0] == "workers"
            found.append(_left_out(draft, target, "the manifest format rejects it "
                                   f"({issue.code}: {issue.message})",
                                   end="; the worker is not imported" if whole else "; left out",
                                   at=issue.path))
            if _remove(draft.data, draft, target):
                progressed = True
        if not progressed:
            break
    for issue in [i for i in errors(draft.data) if i.code not in draft.suppressed.get(i.path, ())]:
        found.append(Diagnostic("project.toml", 1, 1, "CG504", f"{format_path(issue.path)}: "
                                f"{issue.code}: {issue.message} (import could not leave it out)"))
    return found


def defaultable(key: str) -> bool:
    """A setting every worker may share: a key wrangler inherits (or allows at the top level
    only), but not what names a worker's own things (routes, crons, migrations, account)."""
    entry = surface.keys().get(key)
    return entry is not None and entry.get("inherited") is not False \
        and not entry.get("binding") and key not in _OWN


def factor_defaults(draft: Draft) -> None:
    """Move settings that every worker (two or more) sets identically to [defaults]."""
    workers: dict[str, dict[str, Any]] = draft.data.get("workers", {})
    if len(workers) < 2:
        return
    tables = list(workers.values())
    marked = {(p[1], p[2]) for p in draft.suppressed if len(p) > 2 and p[0] == "workers"}
    defaults = {key: copy.deepcopy(value) for key, value in tables[0].items()
                if defaultable(key) and all(key in t and same(t[key], value) for t in tables)
                and not any(k == key for _, k in marked)}
    if not defaults:
        return
    for name, table in workers.items():
        for key in defaults:
            del table[key]
            draft.origins.pop(("workers", name, key), None)
    draft.data["defaults"] = defaults
    ordered: dict[str, Any] = {k: draft.data[k] for k in ("project", "defaults")
                               if k in draft.data}
    ordered.update({k: v for k, v in draft.data.items() if k not in ordered})
    draft.data.clear()
    draft.data.update(ordered)
