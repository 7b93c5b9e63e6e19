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

from confgen import resolve, rules, schema
from confgen.diagnostics import CODES, Diagnostic, Issue, KeyPath, Severity, format_path
from confgen.importer.bindings import same
from confgen.importer.structure import Draft

MAX_ROUNDS = 50
# Worker keys that may move to [defaults] when every worker has the same value.
DEFAULTABLE = ("main", "compatibility_date", "compatibility_flags", "workers_dev",
               "observability")


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
    k = 4 if len(path) >= 4 and path[2] == "env" else 2  # where the section's keys start
    if len(path) <= k + 1:
        return path
    for n in range(k + 1, len(path)):
        if isinstance(path[n], int):
            return path[:n + 1]
    if path[k] in ("vars", "wrangler", "queues", "triggers"):
        return path[:k + 2]
    return path[:k + 1]


def _order(path: KeyPath) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _remove(data: dict[str, Any], origins: dict[KeyPath, tuple[str, KeyPath]],
            target: KeyPath) -> bool:
    node: Any = data
    for part in target[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = target[-1]
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        del node[last]
        prefix, n = target[:-1], len(target) - 1
        moved = {}
        for path in list(origins):
            index = path[n] if len(path) > n else None
            if path[:n] == prefix and isinstance(index, int) and index > last:
                moved[path[:n] + (index - 1,) + path[n + 1:]] = origins.pop(path)
        origins.update(moved)
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


def _left_out(draft: Draft, target: KeyPath, reason: str) -> Diagnostic:
    origin = _origin(draft, target)
    file, key = origin if origin else ("project.toml", ())
    original = next((o for o in draft.workers.values() if o.path == file), None)
    line = original.line(key) if original else 1
    shown = format_path(key) + ": " if key else ""
    return Diagnostic(file, line, 1, "CG504", f"{shown}{reason}; left out")


def fit(draft: Draft) -> list[Diagnostic]:
    """Leave out what confgen rejects, in place; returns the CG504s (and unlocated ones)."""
    found: list[Diagnostic] = []
    for target in sorted(_nulls(draft.data, ()), key=_order, reverse=True):
        found.append(_left_out(draft, target, "null, which TOML (the manifest) cannot hold"))
        _remove(draft.data, draft.origins, target)
    for _ in range(MAX_ROUNDS):
        problems = errors(draft.data)
        if not problems:
            return found
        targets: dict[KeyPath, Issue] = {}
        for issue in problems:
            target = _target(issue.path)
            targets.setdefault(target, issue)
        kept = [t for t in targets if not any(o != t and t[:len(o)] == o for o in targets)]
        progressed = False
        for target in sorted(kept, key=_order, reverse=True):
            issue = targets[target]
            found.append(_left_out(draft, target, "the manifest format rejects it "
                                   f"({issue.code}: {issue.message})"))
            if _remove(draft.data, draft.origins, target):
                progressed = True
        if not progressed:
            break
    for issue in errors(draft.data):
        found.append(Diagnostic("project.toml", 1, 1, "CG504", f"{format_path(issue.path)}: "
                                f"{issue.code}: {issue.message} (import could not leave it out)"))
    return found


def factor_defaults(draft: Draft) -> None:
    """Move worker values that every worker (two or more) sets identically to [defaults]."""
    workers: dict[str, dict[str, Any]] = draft.data.get("workers", {})
    if len(workers) < 2:
        return
    tables = list(workers.values())
    defaults: dict[str, Any] = {}
    for key in DEFAULTABLE:
        if all(key in t and same(t[key], tables[0][key]) for t in tables):
            defaults[key] = copy.deepcopy(tables[0][key])
    passthrough = [t.get("wrangler", {}) for t in tables]
    shared = {k: v for k, v in passthrough[0].items()
              if all(k in p and same(p[k], v) for p in passthrough[1:])}
    if shared:
        defaults["wrangler"] = copy.deepcopy(shared)
    if not defaults:
        return
    for name, table in workers.items():
        for key in defaults:
            if key == "wrangler":
                for sub in shared:
                    del table["wrangler"][sub]
                    draft.origins.pop(("workers", name, "wrangler", sub), None)
                if not table["wrangler"]:
                    del table["wrangler"]
            else:
                del table[key]
                draft.origins.pop(("workers", name, key), None)
    draft.data["defaults"] = defaults
    ordered: dict[str, Any] = {k: draft.data[k] for k in ("project", "defaults")
                               if k in draft.data}
    ordered.update({k: v for k, v in draft.data.items() if k not in ordered})
    draft.data.clear()
    draft.data.update(ordered)
