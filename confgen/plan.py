"""`confgen plan`: deploy order (what a worker binds is deployed first) and the exact
wrangler commands for one environment, secrets included."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from confgen.model import NAMESPACE, Project, Worker
from confgen.rules.durable import hosts
from confgen.rules.graph import find_cycles


@dataclass(frozen=True)
class Step:
    worker: str
    script: str
    namespace: str | None
    commands: tuple[str, ...]


class CycleError(Exception):
    """The bindings form a cycle: no order deploys every target before its callers."""


def dependencies(project: Project) -> dict[str, set[str]]:
    """worker -> workers of this manifest it needs deployed first (services, tail consumers,
    the hosts of the Durable Object classes and Workflows it binds)."""
    names = {w.name for w in project.workers}
    return {w.name: {t for c in w.configs
                     for t in [s.service for s in c.services]
                     + [t.service for t in c.tail_consumers] + sorted(hosts(project, c))
                     if t in names and t != w.name}
            for w in project.workers}


def deploy_order(project: Project) -> list[str]:
    """Dependencies first; among workers that are ready together, by name (stable output)."""
    needs = dependencies(project)
    cycles = find_cycles({w: dict.fromkeys(d, ()) for w, d in needs.items()})
    if cycles:
        loop = " -> ".join(cycles[0] + [cycles[0][0]])
        raise CycleError(f"service bindings form a cycle ({loop}): no deploy order exists")
    waiting = {w: len(d) for w, d in needs.items()}  # dependencies not yet deployed
    callers: dict[str, list[str]] = {w: [] for w in needs}
    for w, deps in needs.items():
        for d in deps:
            callers[d].append(w)
    order: list[str] = []
    ready = sorted(w for w, n in waiting.items() if n == 0)
    while ready:  # one round per level: each worker and each binding is visited once
        order.extend(ready)
        unlocked = []
        for w in ready:
            for caller in callers[w]:
                waiting[caller] -= 1
                if waiting[caller] == 0:
                    unlocked.append(caller)
        ready = sorted(unlocked)
    return order


def _step(project: Project, worker: Worker, env: str | None) -> Step | None:
    config = worker.config(env)
    if config is None and not worker.envs:  # a single-script worker: its one script, no -e
        config, env = worker.top, None
    if config is None:
        return None  # the worker takes no part in this environment (its `environments`)
    namespace = None
    if worker.deploy == NAMESPACE:
        namespace = next((e.namespace for e in project.environments if e.name == env), None)
    where = ["-c", worker.output] + (["-e", env] if env else [])
    ns = ["--dispatch-namespace", namespace] if namespace else []
    commands = [shlex.join(["wrangler", "deploy", *where, *ns])]
    commands += [shlex.join(["wrangler", "secret", "put", s.name, "--name", config.name, *ns])
                 for s in config.secrets]
    return Step(worker.name, config.name, namespace, tuple(commands))


def plan(project: Project, env: str | None) -> list[Step]:
    by_name = {w.name: w for w in project.workers}
    steps = (_step(project, by_name[name], env) for name in deploy_order(project))
    return [s for s in steps if s is not None]


def as_text(steps: list[Step], env: str | None) -> str:
    lines = [(f"# deploy plan for {('environment ' + repr(env)) if env else 'the top level'}: "
             "bound workers first")]
    for n, step in enumerate(steps, start=1):
        where = f" into namespace {step.namespace}" if step.namespace else ""
        lines.append(f"\n# {n}. {step.worker} (script {step.script}{where})")
        lines.extend(step.commands)
    return "\n".join(lines)
