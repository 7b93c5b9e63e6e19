"""`confgen plan`: deploy order (what a worker binds is deployed first) and the exact
wrangler command for each worker in one environment, its secrets included.

Every step is one `wrangler deploy`. A worker's secrets travel with its code
(`--secrets-file`), so no version ever runs without them; wrangler 4.164 has no other
way for a worker in a dispatch namespace (`wrangler secret put` rejects
`--dispatch-namespace`). `confgen deploy` runs exactly these commands (confgen.deploy).
"""

from __future__ import annotations

import shlex

from confgen.model import NAMESPACE, Project, Worker
from confgen.record import record
from confgen.rules.durable import hosts
from confgen.rules.graph import find_cycles


@record
class Step:
    worker: str
    script: str
    namespace: str | None
    config: str  # the wrangler file, relative to the manifest's folder
    env: str | None
    secrets: tuple[str, ...]  # names; each value comes from the variable of the same name

    @property
    def secrets_file(self) -> str | None:
        """The file the printed command names (`confgen deploy` uses a private temp file)."""
        if not self.secrets:
            return None
        return f"{self.worker}.{self.env}.secrets.json" if self.env else \
            f"{self.worker}.secrets.json"

    def args(self, secrets_file: str | None = None) -> list[str]:
        """wrangler's arguments (after `wrangler`); `secrets_file` replaces the printed one."""
        args = ["deploy", "-c", self.config] + (["-e", self.env] if self.env else [])
        if self.namespace:
            args += ["--dispatch-namespace", self.namespace]
        if self.secrets:
            args += ["--secrets-file", secrets_file or str(self.secrets_file)]
        return args

    @property
    def commands(self) -> tuple[str, ...]:
        return (shlex.join(["wrangler", *self.args()]),)

    def as_dict(self) -> dict[str, object]:
        return {"worker": self.worker, "script": self.script, "namespace": self.namespace,
                "config": self.config, "env": self.env,
                "secrets": [{"name": s, "from": f"environment variable {s} or "
                             "confgen deploy --secrets-file"} for s in self.secrets],
                "secrets_file": self.secrets_file, "commands": list(self.commands)}


class CycleError(Exception):
    """The bindings form a cycle: no order deploys every target before its callers."""


def dependencies(project: Project) -> dict[str, set[str]]:
    """worker -> workers of this manifest it needs deployed first: the targets of its service
    bindings and tail consumers, and the hosts of the Durable Object classes and Workflows it
    binds (a cycle of these has no order: CycleError)."""
    names = {w.name for w in project.workers}
    return {w.name: {t for c in w.configs
                     for t in [s.service for s in c.services]
                     + [t.service for t in c.tail_consumers] + sorted(hosts(project, c))
                     if t in names and t != w.name}
            for w in project.workers}


def _namespace_readers(project: Project) -> list[str]:
    """Account-level workers that bind their environment's own dispatch namespace (the
    dispatcher): best deployed after the workers in it, so they find them there."""
    own = {e.name: e.namespace for e in project.environments if e.namespace}
    return sorted(w.name for w in project.workers if w.deploy != NAMESPACE and any(
        c.env in own and own[c.env] in {d.namespace for d in c.dispatch_namespaces}
        for c in w.envs))


def _needing(needs: dict[str, set[str]], target: str) -> set[str]:
    """Every worker that needs `target` deployed first, directly or through others."""
    callers: dict[str, set[str]] = {w: set() for w in needs}
    for w, deps in needs.items():
        for d in deps:
            callers[d].add(w)
    found: set[str] = {target}
    todo = [target]
    while todo:
        for caller in callers[todo.pop()] - found:
            found.add(caller)
            todo.append(caller)
    return found


def deploy_order(project: Project) -> list[str]:
    """Dependencies first, then a namespace's workers before the workers that dispatch into
    it (unless a service binding already needs the opposite); among workers that are ready
    together, by name (stable output)."""
    needs = dependencies(project)
    cycles = find_cycles({w: dict.fromkeys(d, ()) for w, d in needs.items()})
    if cycles:
        loop = " -> ".join(cycles[0] + [cycles[0][0]])
        raise CycleError(f"service bindings form a cycle ({loop}): no deploy order exists")
    namespaced = sorted(w.name for w in project.workers if w.deploy == NAMESPACE)
    for reader in _namespace_readers(project):
        first = _needing(needs, reader)  # these need the reader deployed before them
        needs[reader] |= {w for w in namespaced if w not in first}
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
    if config.name is None:
        return None  # no script name here (`name = false`): nothing wrangler can deploy
    namespace = None
    if worker.deploy == NAMESPACE:
        namespace = next((e.namespace for e in project.environments if e.name == env), None)
    return Step(worker.name, config.name, namespace, worker.output, env,
                tuple(sorted(s.name for s in config.secrets)))


def unnamed(project: Project, env: str | None) -> list[str]:
    """Workers that take part in `env` but have no script name there (`name = false`): the
    plan leaves them out, since `wrangler deploy` needs a name."""
    out = []
    for worker in project.workers:
        config = worker.config(env) or (worker.top if not worker.envs else None)
        if config is not None and config.name is None:
            out.append(worker.name)
    return sorted(out)


def plan(project: Project, env: str | None) -> list[Step]:
    by_name = {w.name: w for w in project.workers}
    steps = (_step(project, by_name[name], env) for name in deploy_order(project))
    return [s for s in steps if s is not None]


def as_text(steps: list[Step], env: str | None, unnamed: tuple[str, ...] = ()) -> str:
    target = f"environment {env!r}" if env else "the top level"
    run = f"confgen deploy --env {shlex.quote(env)}" if env else "confgen deploy"
    lines = [f"# deploy plan for {target}: bound workers first, one `wrangler deploy` each",
             f"# `{run}` runs these commands in this order. Secrets go up with",
             "# their worker's code (--secrets-file, JSON): confgen deploy writes each file",
             "# privately from the values named below and removes it; by hand, write it",
             "# yourself and delete it after."]
    for n, step in enumerate(steps, start=1):
        where = f" into namespace {step.namespace}" if step.namespace else ""
        lines.append(f"\n# {n}. {step.worker} (script {step.script}{where})")
        if step.secrets:
            lines.append(f"# secrets file {step.secrets_file}; each value from the variable "
                         "of the same name, or confgen deploy --secrets-file FILE:")
            lines.extend(f"#   {name} <- ${name}" for name in step.secrets)
        lines.extend(step.commands)
    for worker in unnamed:
        lines.append(f"\n# not deployed: {worker} has no script name in {target} "
                     "(`name = false`; `wrangler deploy` needs one)")
    return "\n".join(lines)
