"""Stage 3: schema-valid data -> frozen model, every worker resolved per environment.

Merge rules (manifest.md): a worker's own value replaces the default whole,
tables merge key by key; vars merge [defaults] < [environments.<env>] < worker
< [workers.<w>.env.<env>]. References that do not resolve are kept as given
(with None where a value could not be found) so the rules can report them;
building the model never fails on a schema-valid manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from confgen.diagnostics import KeyPath

STANDALONE = "standalone"
NAMESPACE = "namespace"
# wrangler keys confgen writes from the manifest: not allowed in the `wrangler` passthrough.
MODELLED_KEYS = frozenset({
    "name", "env", "main", "account_id", "compatibility_date", "compatibility_flags",
    "services", "kv_namespaces", "d1_databases", "r2_buckets", "queues",
    "dispatch_namespaces", "vars", "secrets", "routes", "route", "triggers", "tail_consumers",
    "observability", "workers_dev",
})
# (Config attribute, [resources] kind) of every binding that names a declared resource.
RESOURCE_BINDINGS = (("kv_namespaces", "kv"), ("d1_databases", "d1"), ("r2_buckets", "r2"),
                     ("producers", "queues"))
RESOURCE_USES = (*RESOURCE_BINDINGS, ("consumers", "queues"))
# Keys wrangler does not inherit into env.<name>: written out in every section. These are
# the keys wrangler's config-schema.json says are "not automatically inherited", plus
# durable_objects and version_metadata, which its reader does not inherit either although
# the schema's wording does not say so (tests/test_import_meaning.py checks both against
# the pinned wrangler). The modelled binding keys (services, vars...) are handled apart.
NOT_INHERITED = frozenset({
    "define", "durable_objects", "vectorize", "hyperdrive", "analytics_engine_datasets",
    "ai", "browser", "images", "send_email", "mtls_certificates", "workflows", "pipelines",
    "version_metadata", "unsafe", "secrets_store_secrets", "ratelimits", "assets_binding",
    "agent_memory", "ai_search", "ai_search_namespaces", "analytics", "artifacts",
    "cloudchamber", "connect", "containers", "flagship", "media", "stream",
    "streaming_tail_consumers", "unsafe_hello_world", "vpc_networks", "vpc_services",
    "worker_loaders",
})


@dataclass(frozen=True)
class Service:
    binding: str
    service: str
    script: str  # the target's script name in this environment
    entrypoint: str | None
    path: KeyPath


@dataclass(frozen=True)
class Kv:
    binding: str | None
    id: str | None
    preview_id: str | None
    resource: str | None
    path: KeyPath


@dataclass(frozen=True)
class D1:
    binding: str | None
    database_name: str | None
    database_id: str | None
    resource: str | None
    path: KeyPath


@dataclass(frozen=True)
class R2:
    binding: str | None
    bucket_name: str | None
    resource: str | None
    path: KeyPath


@dataclass(frozen=True)
class Producer:
    binding: str | None
    queue: str | None
    resource: str | None
    path: KeyPath


@dataclass(frozen=True)
class Consumer:
    queue: str | None
    resource: str | None
    settings: tuple[tuple[str, Any], ...]
    path: KeyPath


@dataclass(frozen=True)
class Dispatch:
    binding: str | None
    namespace: str  # the real namespace name in this environment
    ref: str | None  # the [dispatch_namespaces] id; None for the router's own bindings
    outbound: Any
    path: KeyPath


@dataclass(frozen=True)
class Tail:
    service: str
    script: str
    path: KeyPath


@dataclass(frozen=True)
class Route:
    pattern: str
    zone_name: str | None
    zone_id: str | None
    custom_domain: bool
    path: KeyPath
    is_table: bool = False

    @property
    def pattern_path(self) -> KeyPath:
        return self.path + ("pattern",) if self.is_table else self.path


@dataclass(frozen=True)
class Var:
    name: str
    value: Any
    path: KeyPath


@dataclass(frozen=True)
class Config:
    """One worker in one environment (env None: the wrangler file's top level)."""

    env: str | None
    name: str
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
    observability: Any
    workers_dev: bool | None
    wrangler: tuple[tuple[str, Any], ...]  # passthrough keys, sorted
    path: KeyPath  # where this section is declared


@dataclass(frozen=True)
class Worker:
    name: str
    dir: str  # posix, relative to the manifest's folder
    format: str
    deploy: str
    top: Config
    envs: tuple[Config, ...]  # in environment name order
    path: KeyPath

    @property
    def configs(self) -> tuple[Config, ...]:
        return (self.top, *self.envs)

    @cached_property
    def output(self) -> str:
        return str(PurePosixPath(self.dir) / f"wrangler.{self.format}")


@dataclass(frozen=True)
class Environment:
    name: str
    namespace: str | None
    namespace_id: str | None
    vars: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Router:
    worker: str
    output: str
    default: str | None
    root_domains: tuple[str, ...]
    hosts: tuple[tuple[str, str], ...]
    paths: tuple[tuple[str, str], ...]
    namespace_bindings: tuple[tuple[str, str], ...]  # every environment with a namespace


@dataclass(frozen=True)
class DomainRoute:
    domain: str
    service: str
    binding: str | None
    requires_auth: bool
    path: KeyPath


@dataclass(frozen=True)
class Domains:
    worker: str
    output: str
    routes: tuple[DomainRoute, ...]


@dataclass(frozen=True)
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

    @property
    def env_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.environments)
