"""Code and config agree: the bindings, classes and handlers each worker's source has.

Every rule here takes the model and the scan of the sources (confgen.source.scan) and
yields Issues; source locations ride on `Issue.where`. Workers whose sources are not
in the repository are left out of every rule (CG607 says so once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from confgen.diagnostics import Issue, KeyPath
from confgen.model import Config, Project, Worker
from confgen.rules.bindings import _named as bound_names
from confgen.source.facts import Loc, WorkerFacts
from confgen.source.scan import Sources

CodeRule = Callable[[Project, Sources], Iterable[Issue]]
POPULATE_PROCESS_ENV = "nodejs_compat_populate_process_env"
# wrangler keys whose entries name a class the worker (or `script_name`) must export.
CLASS_KEYS = (("durable_objects", "bindings", "Durable Object"),
              ("workflows", None, "Workflow"), ("containers", None, "container"))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """"; did you mean 'X'?" for the closest candidate (case aside), or ""."""
    by_lower = {c.lower(): c for c in sorted(candidates)}
    import difflib  # deferred: only a suggestion needs it

    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return f"; did you mean {by_lower[close[0]]!r}?" if close else ""


def _at(loc: Loc) -> tuple[str, int, int]:
    return (loc.file, loc.line, loc.column)


def _scanned(project: Project, sources: Sources) -> Iterator[tuple[Worker, WorkerFacts]]:
    for worker in project.workers:
        facts = sources.get(worker.name)
        if facts is not None:
            yield worker, facts


def _deployed(project: Project, worker: Worker) -> tuple[Config, ...]:
    """What can be deployed: the top level and each environment (as `wrangler types`
    sees it: a binding missing from any of them is optional in the generated Env)."""
    return worker.configs


def _label(config: Config) -> str:
    return config.env if config.env else "the top level"


def _uses(worker: Worker, facts: WorkerFacts) -> dict[str, tuple[Loc, ...]]:
    """env uses, plus process.env uses where the worker populates process.env."""
    uses = dict(facts.uses)
    if POPULATE_PROCESS_ENV in worker.top.compatibility_flags:
        for name, locs in facts.process_uses.items():
            uses[name] = tuple(sorted(uses.get(name, ()) + locs))
    return uses


def unbound_uses(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG601: used but bound nowhere; CG602: bound in only some environments."""
    for worker, facts in _scanned(project, sources):
        names = {c.env: {n for n, _, _ in bound_names(c)} for c in worker.configs}
        every = set().union(*names.values())
        deployed = _deployed(project, worker)
        for name, locs in sorted(_uses(worker, facts).items()):
            more = f" (and {len(locs) - 1} more use(s))" if len(locs) > 1 else ""
            if name not in every:
                hint = did_you_mean(name, every)
                yield Issue("CG601", (), f"worker {worker.name!r} uses env.{name}, which no "
                            f"environment binds{hint}{more}", where=_at(locs[0]))
                continue
            missing = [c for c in deployed if name not in names[c.env]]
            if missing:
                having = [c for c in deployed if name in names[c.env]]
                yield Issue("CG602", (), f"worker {worker.name!r} uses env.{name}, bound only "
                            f"in {', '.join(_label(c) for c in having)}; missing in "
                            f"{', '.join(_label(c) for c in missing)}{more}",
                            where=_at(locs[0]))


def unused_bindings(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG603: a binding the worker declares (not [defaults]) that its code never uses."""
    seen: set[KeyPath] = set()
    for worker, facts in _scanned(project, sources):
        if facts.dynamic is not None or facts.problems:
            continue  # the scan cannot see every use: CG606 / CG608 say so
        uses = _uses(worker, facts)
        for config in worker.configs:
            for name, kind, path in bound_names(config):
                if path[:2] != worker.path or path in seen or name in uses:
                    continue
                seen.add(path)
                yield Issue("CG603", path, f"{kind} {name!r} is bound to worker "
                            f"{worker.name!r} but its code never uses it "
                            f"(scanned from {facts.main})")


def _section_of(project: Project, worker: Worker, config: Config, key: str) -> KeyPath:
    """Where a passthrough key of this section is declared."""
    raw: dict[str, Any] = project.data.get("workers", {}).get(worker.name, {})
    if config.env and key in raw.get("env", {}).get(config.env, {}).get("wrangler", {}):
        return config.path + ("wrangler", key)
    if key in raw.get("wrangler", {}):
        return worker.path + ("wrangler", key)
    return ("defaults", "wrangler", key)


def _class_refs(project: Project, worker: Worker) -> Iterator[tuple[str, str, str, KeyPath]]:
    """(class name, target worker, what, where) of every class a binding names."""
    seen: set[KeyPath] = set()
    for config in worker.configs:
        for key, value in config.wrangler:
            for wkey, inner, what in CLASS_KEYS:
                if key != wkey:
                    continue
                entries = value.get(inner) if inner and isinstance(value, dict) else value
                base = _section_of(project, worker, config, key) + ((inner,) if inner else ())
                for i, entry in enumerate(entries if isinstance(entries, list) else ()):
                    name = entry.get("class_name") if isinstance(entry, dict) else None
                    path = base + (i, "class_name")
                    if isinstance(name, str) and path not in seen:
                        seen.add(path)
                        yield name, entry.get("script_name", worker.name), what, path
        for s in config.services:
            path = s.path + ("entrypoint",)
            if s.entrypoint and path not in seen:
                seen.add(path)
                yield s.entrypoint, s.service, "service entrypoint", path


def exported_classes(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG604: a class_name or entrypoint the target worker does not export."""
    if not sources.scanned:
        return  # no worker's code is here: no class can be checked
    for worker in project.workers:
        for name, target, what, path in _class_refs(project, worker):
            facts = sources.get(target)
            if facts is None or facts.problems:
                continue
            if name not in facts.exports:
                hint = did_you_mean(name, facts.exports)
                yield Issue("CG604", path, f"{what} class {name!r}: worker {target!r} exports "
                            f"no such class from {facts.main}{hint}")


Need = tuple[str, KeyPath, str]  # (handler, where, why)


def _own_needs(worker: Worker) -> Iterator[Need]:
    """The handlers a worker's own config makes it need."""
    for config in worker.configs:
        for cron, path in config.crons[:1]:
            yield "scheduled", path, f"it has crons ({cron!r})"
        for c in config.consumers:
            yield "queue", c.path, f"it consumes queue {c.queue!r}"
        for r in config.routes[:1]:
            yield "fetch", r.pattern_path, f"route {r.pattern!r} sends it requests"


def _incoming(project: Project) -> dict[str, list[Need]]:
    """The handlers other workers and the router make each worker need (one pass)."""
    found: dict[str, list[Need]] = defaultdict(list)
    for other in project.workers:
        for config in other.configs:
            for t in config.tail_consumers:
                found[t.service].append(("tail", t.path + ("service",),
                                         f"worker {other.name!r} sends it tail events"))
            for s in config.services:
                if not s.entrypoint:
                    found[s.service].append(("fetch", s.path + ("service",),
                                             f"worker {other.name!r} binds it as {s.binding!r}"))
    router = project.router
    if router is not None:
        for table, rows in (("hosts", router.hosts), ("paths", router.paths)):
            for key, target in rows:
                found[target].append(("fetch", ("router", table, key),
                                      f"the router sends {key!r} to it"))
        if router.default is not None:
            found[router.default].append(("fetch", ("router", "default"),
                                          "the router's default sends requests to it"))
    return found


def missing_handlers(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG605: crons without scheduled, consumers without queue, tail without tail, ..."""
    if not sources.scanned:
        return  # no worker's code is here: no handler can be checked
    incoming = _incoming(project)
    for worker, facts in _scanned(project, sources):
        handlers = facts.handlers
        if handlers is None or facts.problems:
            continue  # an opaque default export: nothing to check against
        rpc = facts.default is not None and facts.default.base == "WorkerEntrypoint"
        seen: set[KeyPath] = set()
        for handler, path, why in (*_own_needs(worker), *incoming.get(worker.name, ())):
            if handler in handlers or path in seen:
                continue
            if handler == "fetch" and rpc and "binds it as" in why:
                continue  # a service binding may call RPC methods of a WorkerEntrypoint
            seen.add(path)
            shown = "has no default export" if facts.default is None \
                else f"exports no `{handler}` handler"
            yield Issue("CG605", path, f"worker {worker.name!r} needs `{handler}` because "
                        f"{why}, but {facts.main} {shown}")


def dynamic_access(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG606 (info): env reached by a computed name, once per worker."""
    for worker, facts in _scanned(project, sources):
        if facts.dynamic is not None:
            yield Issue("CG606", (), f"worker {worker.name!r} reaches env here in a way the "
                        "scan cannot follow (a computed name, env as a whole, service-worker "
                        "globals); unused-binding warnings are off for it",
                        where=_at(facts.dynamic))


def skipped_workers(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG607 (info): one line for the workers whose sources are not here, when others'
    are (a repository with no worker's code at all is a config repository: no note)."""
    skipped = sources.skipped
    if skipped and len(skipped) < len(sources.workers):
        first = project.worker(skipped[0])
        path = first.path if first is not None else ()
        yield Issue("CG607", path, f"source checks skipped for {len(skipped)} worker(s) whose "
                    f"`main` is not in this repository: {', '.join(skipped)}")


def unscanned_files(project: Project, sources: Sources) -> Iterator[Issue]:
    """CG608: a source file that could not be read or parsed."""
    for worker, facts in _scanned(project, sources):
        for loc, why in facts.problems:
            yield Issue("CG608", (), f"worker {worker.name!r}: {why}; its source checks are "
                        "partial", where=_at(loc))


RULES: tuple[CodeRule, ...] = (unbound_uses, unused_bindings, exported_classes,
                               missing_handlers, dynamic_access, skipped_workers,
                               unscanned_files)
