"""Stage 3: schema-valid data -> frozen model, every worker resolved per environment.

Merge rules (manifest.md): a worker's own value replaces the default whole,
tables merge key by key; vars merge [defaults] < [environments.<env>] < worker
< [workers.<w>.env.<env>]. References that do not resolve are kept as given
(with None where a value could not be found) so the rules can report them;
building the model never fails on a schema-valid manifest.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from confgen import surface
from confgen.diagnostics import KeyPath
from confgen.record import field, record

STANDALONE = "standalone"
NAMESPACE = "namespace"
# wrangler keys confgen resolves itself (confgen.surface.CONFGEN_DEFINED) plus the ones it
# writes from elsewhere (`env`, `account_id`, `observability`, `workers_dev`), as the
# importer sorts a wrangler file's keys.
MODELLED_KEYS = surface.CONFGEN_DEFINED | {"env", "account_id", "observability", "workers_dev"}
# (Config attribute, [resources] kind) of every binding that names a declared resource.
RESOURCE_BINDINGS = (("kv_namespaces", "kv"), ("d1_databases", "d1"), ("r2_buckets", "r2"),
                     ("producers", "queues"))
RESOURCE_USES = (*RESOURCE_BINDINGS, ("consumers", "queues"))
# Keys wrangler does not inherit into env.<name>: written out in every section.
# From wrangler's own schema (schemas/wrangler-keys.json, made by scripts/wrangler-surface).
NOT_INHERITED = surface.not_inherited()


@record
class Service:
    binding: str
    service: str
    script: str  # the target's script name in this environment
    entrypoint: str | None
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()  # further sub-keys wrangler's definition allows


@record
class Kv:
    binding: str | None
    id: str | None
    preview_id: str | None
    resource: str | None
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()


@record
class D1:
    binding: str | None
    database_name: str | None
    database_id: str | None
    resource: str | None
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()


@record
class R2:
    binding: str | None
    bucket_name: str | None
    resource: str | None
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()


@record
class Producer:
    binding: str | None
    queue: str | None
    resource: str | None
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()


@record
class Consumer:
    queue: str | None
    resource: str | None
    settings: tuple[tuple[str, Any], ...]
    path: KeyPath


@record
class Dispatch:
    binding: str | None
    namespace: str  # the real namespace name in this environment
    ref: str | None  # the [dispatch_namespaces] id; None for the router's own bindings
    outbound: Any
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()


@record
class Tail:
    service: str
    script: str
    path: KeyPath
    extra: tuple[tuple[str, Any], ...] = ()


@record
class Route:
    pattern: str
    zone_name: str | None
    zone_id: str | None
    custom_domain: bool
    path: KeyPath
    is_table: bool = False
    singular: bool = False  # wrangler's `route` (one route) rather than `routes`

    @property
    def pattern_path(self) -> KeyPath:
        return self.path + ("pattern",) if self.is_table else self.path


@record
class Var:
    name: str
    value: Any
    path: KeyPath


@record
class Config:
    """One worker in one environment (env None: the wrangler file's top level)."""

    env: str | None
    name: str | None  # the script name; None: the file has none here (`name = false`)
    name_explicit: bool
    main: str | None
    compatibility_date: str | None
    compatibility_flags: tuple[str, ...]
    services: tuple[Service, ...]
    kv_namespaces: tuple[Kv, ...]
    d1_databases: tuple[D1, ...]
    r2_buckets: tuple[R2, ...]
    producers: tuple[Producer, ...]
    consumers: tuple[Consumer, ...]
    dispatch_namespaces: tuple[Dispatch, ...]
    vars: tuple[Var, ...]  # sorted by name
    secrets: tuple[Var, ...]  # value None
    routes: tuple[Route, ...]
    routes_own: bool  # False: inherited from the top level, as wrangler does
    crons: tuple[tuple[str, KeyPath], ...]
    crons_own: bool
    tail_consumers: tuple[Tail, ...]
    # every other wrangler key (confgen.surface), resolved for this section, as wrangler
    # defines it: at top level all that are set, in an environment the ones wrangler does
    # not inherit and the inherited ones whose value differs from the top level's. Sorted.
    wrangler: tuple[tuple[str, Any], ...]
    path: KeyPath  # where this section is declared
    # (key, where): inherited keys the top level sets and this environment removes, which
    # wrangler cannot express (it would inherit the top level's value); a rule reports them.
    cannot_remove: tuple[tuple[str, KeyPath], ...] = ()
    origins: tuple[tuple[str, KeyPath], ...] = ()  # where each key of `wrangler` is declared

    def get(self, key: str) -> Any:
        """A wrangler key confgen copies (`assets`, `durable_objects`, ...), or None."""
        return self._wrangler.get(key)

    def origin(self, key: str) -> KeyPath:
        """Where a key of `wrangler` is declared (the layer it came from)."""
        found = self._origins.get(key)
        return self.path + (key,) if found is None else found

    # Rules ask a section for its keys tens of thousands of times in a large fleet:
    # each lookup table is built once, on first use.
    @cached_property
    def _wrangler(self) -> dict[str, Any]:
        return dict(self.wrangler)

    @cached_property
    def _origins(self) -> dict[str, KeyPath]:
        return dict(self.origins)


@record
class Worker:
    name: str
    dir: str  # posix, relative to the manifest's folder
    format: str
    deploy: str
    top: Config
    envs: tuple[Config, ...]  # in environment name order
    path: KeyPath

    @cached_property
    def configs(self) -> tuple[Config, ...]:
        return (self.top, *self.envs)

    @cached_property
    def output(self) -> str:
        file = f"wrangler.{self.format}"
        if all(part not in ("", ".") for part in self.dir.split("/")):
            return f"{self.dir}/{file}"  # already what PurePosixPath would make of it
        return str(PurePosixPath(self.dir) / file)

    def effective(self, config: Config, key: str) -> Any:
        """A copied wrangler key as wrangler reads it in this section: an environment that
        does not set an inherited key gets the top level's."""
        value = config.get(key)
        if value is None and config.env is not None and key not in NOT_INHERITED:
            return self.top.get(key)
        return value

    def config(self, env: str | None) -> Config | None:
        return self.by_env.get(env)

    @cached_property
    def by_env(self) -> dict[str | None, Config]:
        """Each section by its environment (None: the top level), built once."""
        found: dict[str | None, Config] = {}
        for c in self.configs:
            found.setdefault(c.env, c)  # the first, as a search in order finds it
        return found


@record
class Environment:
    name: str
    namespace: str | None
    namespace_id: str | None
    vars: tuple[tuple[str, Any], ...]


@record
class Router:
    worker: str
    output: str
    default: str | None
    root_domains: tuple[str, ...]
    hosts: tuple[tuple[str, str], ...]
    paths: tuple[tuple[str, str], ...]
    namespace_bindings: tuple[tuple[str, str], ...]  # every environment with a namespace


@record
class DomainRoute:
    domain: str
    service: str
    binding: str | None
    requires_auth: bool
    path: KeyPath


@record
class Domains:
    worker: str
    output: str
    routes: tuple[DomainRoute, ...]


@record
class Project:
    name: str
    account_id: str | None
    environments: tuple[Environment, ...]
    external_services: tuple[str, ...]
    workers: tuple[Worker, ...]
    router: Router | None
    domains: Domains | None
    data: dict[str, Any] = field(repr=False, compare=False)  # the declarations, for rules
    manifest: str = "project.toml"  # its file name: outputs may not overwrite it

    def worker(self, name: str) -> Worker | None:
        return self.workers_by_name.get(name)

    @cached_property
    def workers_by_name(self) -> dict[str, Worker]:
        """Built once: rules look workers up once per router key and domain route."""
        return {w.name: w for w in self.workers}

    def deploying_as(self, script: str, env: str | None) -> Worker | None:
        """The first worker whose section for `env` deploys as script `script`."""
        return self._scripts.get((env, script))

    @cached_property
    def _scripts(self) -> dict[tuple[str | None, str], Worker]:
        found: dict[tuple[str | None, str], Worker] = {}
        for worker in self.workers:
            for env, config in worker.by_env.items():
                if config.name is not None:
                    found.setdefault((env, config.name), worker)
        return found

    @property
    def env_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.environments)
