"""Durable Objects and Workflows: migrations, the classes bindings name, where they live.

A Durable Object binding `{name, class_name, script_name?}` names a class of its own worker
(no script_name) or of another script. The class must be created by a migration of the
worker that owns it (`new_classes`, `new_sqlite_classes`, `renamed_classes[].to`,
`transferred_classes[].to`) and not deleted or renamed away by a later one. Migrations are
read as wrangler reads them in each environment (inherited from the top level unless the
environment sets its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from confgen.diagnostics import Issue, KeyPath
from confgen.model import NAMESPACE, Config, Project, Worker

_NUMBERED = re.compile(r"^v(\d+)$")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def live_classes(migrations: Any) -> tuple[set[str], set[str]]:
    """(classes alive after every migration, classes some migration removed)."""
    live: set[str] = set()
    removed: set[str] = set()
    for m in _list(migrations):
        if not isinstance(m, dict):
            continue
        created = _list(m.get("new_classes")) + _list(m.get("new_sqlite_classes"))
        for r in _list(m.get("renamed_classes")) + _list(m.get("transferred_classes")):
            if isinstance(r, dict):
                created.append(r.get("to"))
                if "from_script" not in r:  # a transfer takes the class from another script
                    live.discard(r.get("from"))
                    removed.add(str(r.get("from")))
        for c in _list(m.get("deleted_classes")):
            live.discard(c)
            removed.add(str(c))
        live |= {c for c in created if isinstance(c, str)}
    return live, removed - live


def _migrations_path(worker: Worker, config: Config) -> KeyPath:
    own = config.get("migrations") is not None
    return (config if own else worker.top).origin("migrations")


def migration_tags(project: Project) -> Iterator[Issue]:
    seen: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            migrations = _list(worker.effective(config, "migrations"))
            if not migrations:
                continue
            where = _migrations_path(worker, config)
            if where in seen:
                continue
            seen.add(where)
            tags: dict[str, int] = {}
            last = -1
            for i, m in enumerate(migrations):
                tag = m.get("tag") if isinstance(m, dict) else None
                if not isinstance(tag, str):
                    continue
                if tag in tags:
                    yield Issue("CG217", where + (i, "tag"), f"migration tag {tag!r} is used "
                                f"twice (migrations {tags[tag]} and {i})")
                    continue
                tags[tag] = i
                number = _NUMBERED.match(tag)
                if number is not None:
                    if int(number.group(1)) <= last:
                        yield Issue("CG217", where + (i, "tag"), f"migration tag {tag!r} comes "
                                    f"after v{last}: migrations apply in the order listed")
                    last = int(number.group(1))


def by_script(project: Project, script: str, env: str | None) -> Worker | None:
    """The manifest worker whose script in `env` is `script` (bindings are retargeted)."""
    return project.deploying_as(script, env) or project.worker(script)


def _owner(project: Project, worker: Worker, script: str | None, env: str | None
           ) -> tuple[Worker, Config] | None:
    """The manifest worker and section that hosts a class (None: an external script)."""
    owner = worker if script is None else by_script(project, script, env)
    if owner is None:
        return None
    config = owner.config(env)
    return (owner, config) if config is not None else None


def _object_bindings(worker: Worker, config: Config) -> Iterator[tuple[dict[str, Any], KeyPath]]:
    value = config.get("durable_objects")
    if isinstance(value, dict):
        for i, b in enumerate(_list(value.get("bindings"))):
            if isinstance(b, dict):
                yield b, config.origin("durable_objects") + ("bindings", i)


def bound_classes(project: Project) -> Iterator[Issue]:
    reported: set[tuple[KeyPath, str]] = set()
    for worker in project.workers:
        for config in worker.configs:
            for binding, path in _object_bindings(worker, config):
                cls = binding.get("class_name")
                found = _owner(project, worker, binding.get("script_name"), config.env)
                if not isinstance(cls, str) or found is None:
                    continue
                owner, section = found
                if owner.deploy == NAMESPACE and owner is not worker:
                    continue  # CG220 says it
                live, removed = live_classes(owner.effective(section, "migrations"))
                if cls in live or (path, cls) in reported:
                    continue
                reported.add((path, cls))
                where = f"worker {owner.name!r}" + (f" in {config.env!r}" if config.env else "")
                if cls in removed:
                    yield Issue("CG219", path + ("class_name",), f"class {cls!r} was deleted or "
                                f"renamed by a migration of {where}")
                else:
                    yield Issue("CG218", path + ("class_name",), f"no migration of {where} "
                                f"creates class {cls!r} (add it to `new_sqlite_classes`)")


def script_targets(config: Config) -> Iterator[tuple[str, KeyPath, str]]:
    value = config.get("durable_objects")
    if value is None and config.get("workflows") is None:
        return  # most sections bind neither
    bindings = value.get("bindings") if isinstance(value, dict) else None
    for key, entries, sub in (("durable_objects", _list(bindings), ("bindings",)),
                              ("workflows", _list(config.get("workflows")), ())):
        for i, b in enumerate(entries):
            if isinstance(b, dict) and isinstance(b.get("script_name"), str):
                yield b["script_name"], config.origin(key) + (*sub, i, "script_name"), key


def hosts_with_paths(project: Project, config: Config) -> Iterator[tuple[str, KeyPath]]:
    """(worker of the manifest, where) for each Durable Object class or Workflow `config`
    binds from another script."""
    for script, path, _ in script_targets(config):
        host = by_script(project, script, config.env)
        if host is not None:
            yield host.name, path


def hosts(project: Project, config: Config) -> set[str]:
    """Workers of the manifest whose Durable Object classes or Workflows `config` binds."""
    return {name for name, _ in hosts_with_paths(project, config)}


def namespaced_hosts(project: Project) -> Iterator[Issue]:
    """script_name resolves account-level scripts only, as service bindings do (10143)."""
    reported: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            for script, path, key in script_targets(config):
                target = by_script(project, script, config.env)
                what = "Durable Object" if key == "durable_objects" else "Workflow"
                if target is None and config.env:
                    absent = project.worker(script.removesuffix(f"-{config.env}"))
                    if absent is not None and absent.envs and path not in reported:
                        reported.add(path)
                        yield Issue("CG216", path, f"{what} binding names {absent.name!r}, "
                                    f"which does not take part in environment {config.env!r}")
                if target is None or path in reported:
                    continue
                if target.deploy == NAMESPACE and target is not worker:
                    reported.add(path)
                    yield Issue("CG220", path, f"{what} binding names {target.name!r}, a worker "
                                "deployed into a dispatch namespace; script_name resolves "
                                "account-level scripts only")


def hosted_workflows(project: Project) -> Iterator[Issue]:
    """A Workflow bound from another worker of the manifest must be declared there."""
    reported: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            for i, b in enumerate(_list(config.get("workflows"))):
                script = b.get("script_name") if isinstance(b, dict) else None
                host = by_script(project, script, config.env) if isinstance(script, str) else None
                if host is None or host is worker or host.deploy == NAMESPACE:
                    continue
                section = host.config(config.env) or host.top
                declared = {(w.get("name"), w.get("class_name"))
                            for w in _list(host.effective(section, "workflows"))
                            if isinstance(w, dict) and "script_name" not in w}
                path = config.origin("workflows") + (i,)
                if (b.get("name"), b.get("class_name")) not in declared and path not in reported:
                    reported.add(path)
                    yield Issue("CG221", path, f"worker {host.name!r} declares no workflow "
                                f"{b.get('name')!r} with class {b.get('class_name')!r} "
                                "(its `workflows`)")


RULES = (migration_tags, bound_classes, namespaced_hosts, hosted_workflows)
