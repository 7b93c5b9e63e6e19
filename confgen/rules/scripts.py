"""Script names: which script each worker deploys as in each environment (its `name`, default
its key; `name = false` for a file without one), and what breaks when two workers share one
or a binding names a worker that has none."""

from __future__ import annotations

from collections.abc import Iterator

from confgen.diagnostics import Issue
from confgen.model import NAMESPACE, Config, Project, Worker
from confgen.rules.durable import script_targets
from confgen.rules.references import worker_targets


def _in_env(worker: Worker, env: str | None) -> Config | None:
    """The section that answers for `worker` in `env` (a single-script worker's top level)."""
    return worker.config(env) or (worker.top if not worker.envs else None)


def _label(config: Config) -> str:
    return "the top level" if config.env is None else f"environment {config.env!r}"


def shared_scripts(project: Project) -> Iterator[Issue]:
    """Two workers that deploy as one script (in one namespace, or at account level)."""
    namespaces = {e.name: e.namespace for e in project.environments}
    first: dict[tuple[str | None, str], tuple[Worker, Config]] = {}
    for worker in project.workers:
        for config in worker.configs:
            if config.name is None:
                continue
            space = namespaces.get(config.env or "") if worker.deploy == NAMESPACE else None
            key = (space, config.name)
            other = first.setdefault(key, (worker, config))
            if other[0] is worker:
                continue
            named = config.path + ("name",) if config.name_explicit else (
                worker.path + ("name",) if "name" in _raw(project, worker) else worker.path)
            yield Issue("CG257", named, f"worker {worker.name!r} deploys as script "
                        f"{config.name!r} in {_label(config)}, as worker {other[0].name!r} "
                        f"does in {_label(other[1])}: the last deploy replaces the other's")


def _raw(project: Project, worker: Worker) -> dict[str, object]:
    found: dict[str, object] = project.data.get("workers", {}).get(worker.name, {})
    return found


def unnamed_targets(project: Project) -> Iterator[Issue]:
    """A service binding, tail consumer, Durable Object or Workflow binding to a worker with
    no script name there."""
    known = project.workers_by_name
    # the workers without a script name somewhere: in most manifests, none
    unnamed = {w.name for w in project.workers if any(c.name is None for c in w.configs)}
    if not unnamed:
        return
    for worker in project.workers:
        for config in worker.configs:
            targets = worker_targets(config)
            # a script_name naming a worker without a script here keeps its key (resolve)
            targets += [(script, path, f"{key} binding")
                        for script, path, key in script_targets(config)]
            for target, path, what in targets:
                host = known.get(target) if target in unnamed else None
                answers = _in_env(host, config.env) if host is not None else None
                if answers is not None and answers.name is None:
                    yield Issue("CG222", path, f"{what} names worker {target!r}, which has no "
                                f"script name in {_label(answers)} (`name = false`); give it "
                                "a `name` there")


def namespaced_top_name(project: Project) -> Iterator[Issue]:
    """A namespaced worker's script is its key: the dispatcher looks it up by that."""
    for worker in project.workers:
        given = _raw(project, worker).get("name", worker.name)
        if worker.deploy == NAMESPACE and given != worker.name:
            yield Issue("CG214", worker.path + ("name",), f"namespaced worker "
                        f"{worker.name!r} cannot deploy as {given!r}: the dispatcher looks it "
                        f"up as {worker.name!r} in the namespace")


RULES = (shared_scripts, unnamed_targets, namespaced_top_name)
