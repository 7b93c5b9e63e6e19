"""Stage 3 (builder): schema-valid manifest data -> model.Project.

Every worker is expanded per environment here, once, so rules and templates
only read resolved values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confgen import surface
from confgen.diagnostics import KeyPath
from confgen.entries import Entries
from confgen.layering import Keys, Layer, merge, unset_layers, with_tables
from confgen.model import (
    NAMESPACE,
    NOT_INHERITED,
    STANDALONE,
    Config,
    Consumer,
    Dispatch,
    DomainRoute,
    Domains,
    Environment,
    Producer,
    Project,
    Router,
    Var,
    Worker,
)
from confgen.record import replace

# wrangler keys whose entries name a script in `script_name` (a Durable Object's or a
# Workflow's host): retargeted per environment like a service binding's `service`.
SCRIPT_TARGETS = frozenset({"durable_objects", "workflows"})


def env_binding_name(env: str) -> str:
    """The router's default binding for an environment: its name upper-cased."""
    return env.upper().replace("-", "_")


class _Builder:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.project: Mapping[str, Any] = data.get("project", {})
        self.defaults: Mapping[str, Any] = data.get("defaults", {})
        self.environments: Mapping[str, Any] = data.get("environments", {})
        self.namespaces: Mapping[str, Any] = data.get("dispatch_namespaces", {})
        self.resources: Mapping[str, Any] = data.get("resources", {})
        self.workers: Mapping[str, Any] = data.get("workers", {})
        self.external = tuple(self.project.get("external_services", ()))
        self.envs = tuple(sorted(self.environments))
        self.router: Mapping[str, Any] | None = data.get("router")
        self.tops: dict[str, Config] = {}
        self.scripts: dict[tuple[str, str | None], str | None] = {}
        self.entries = Entries(self.resources, self.namespaces)
        self.bases: dict[str, Keys] = {}
        self.vars_at: dict[KeyPath, dict[str, Var]] = {}
        self.below_vars: dict[str | None, dict[str, Var] | None] = {}
        self.copies, self.top_only = surface.copied(), surface.top_only()
        self.taking: dict[str, tuple[str, ...]] = {}
        self.deploys: dict[str, str] = {}

    # -- merging ---------------------------------------------------------------------------

    def deploy(self, name: str) -> str:
        found = self.deploys.get(name)
        if found is None:
            worker = self.workers.get(name, {})
            found = self.deploys[name] = str(worker.get("deploy",
                                                        self.defaults.get("deploy", STANDALONE)))
        return found

    def script(self, target: str, env: str | None) -> str:
        """A service target's script name in `env` (wrangler's `<name>-<env>` rule); a worker
        that takes part in no environment has only its top-level script. A target without a
        script name there keeps its key (CG222 reports the binding)."""
        return self.script_or_none(target, env) or target

    def script_or_none(self, target: str, env: str | None) -> str | None:
        key = (target, env)
        try:  # every binding to a target asks again: answered once
            return self.scripts[key]
        except KeyError:
            found = self.scripts[key] = self._script(target, env)
            return found

    def top_script(self, target: str) -> str | None:
        """A worker's top-level script name: its `name` (default: its key); `name = false`
        is a file without one (None)."""
        given = self.workers[target].get("name", target)
        return given if isinstance(given, str) else None

    def _script(self, target: str, env: str | None) -> str | None:
        if target not in self.workers:
            return target  # an external service: its name as given
        top = self.top_script(target)
        if env is None or self.deploy(target) == NAMESPACE:
            return top
        if not self.worker_envs(target):  # a single-script worker: every env binds it
            return top
        own = self.workers[target].get("env", {}).get(env, {})
        given = own.get("name")
        if isinstance(given, str):
            return given
        return f"{top}-{env}" if top is not None else None  # wrangler's default

    # -- one section -----------------------------------------------------------------------

    def layers(self, name: str, env: str | None) -> list[Layer]:
        """Where a section's keys come from, lowest first, with every `unset` applied."""
        worker = self.workers[name]
        layers: list[Layer] = [(("defaults",), self.defaults), (("workers", name), worker)]
        if env is None:
            layers.append((("workers", name, "top"), worker.get("top", {})))
        else:
            layers.append((("workers", name, "env", env), worker.get("env", {}).get(env, {})))
        return unset_layers(with_tables(layers))

    def keys(self, name: str, env: str | None) -> Keys:
        """A section's keys, merged: its own layer over the worker's base ([defaults] and the
        worker, merged once for the top level and every environment), unless the section
        `unset`s something, which reaches into the layers below."""
        section = self.own(name, env)
        own = with_tables([section]) if "wrangler" in section[1] else [section]
        if "unset" in own[0][1] or (len(own) > 1 and "unset" in own[1][1]):
            return merge(self.layers(name, env))
        base = self.bases.get(name)
        if base is None:
            base = self.bases[name] = merge(unset_layers(with_tables(
                [(("defaults",), self.defaults), (("workers", name), self.workers[name])])))
        # read only, like every Keys: a section that sets nothing itself is the base
        return merge(own, base) if section[1] else base

    def own(self, name: str, env: str | None) -> Layer:
        """The section's own layer: `env.<env>` (or `top`), its `unset` unapplied."""
        worker = self.workers[name]
        if env is None:
            return ("workers", name, "top"), worker.get("top", {})
        return ("workers", name, "env", env), worker.get("env", {}).get(env, {})

    def config(self, name: str, env: str | None) -> Config:
        keys = self.keys(name, env)
        section, own = self.own(name, env) if env is not None else (("workers", name), {})
        nowhere: tuple[Any, KeyPath | None] = (None, None)
        none: tuple[Any, KeyPath] = ((), ())  # a list key no layer sets: no entries
        pick = keys.get

        def get(key: str) -> Any:
            return keys.get(key, nowhere)[0]

        made = self.entries
        script_of = self.script
        value, where = pick("services", none)
        services = tuple([made.service(where + (i,), s, script_of(s["service"], env))
                          for i, s in enumerate(value)]) if value else ()
        value, where = pick("kv_namespaces", none)
        kv = tuple([made.kv(where + (i,), b, env) for i, b in enumerate(value)]) if value else ()
        value, where = pick("d1_databases", none)
        d1 = tuple([made.d1(where + (i,), b, env) for i, b in enumerate(value)]) if value else ()
        value, where = pick("r2_buckets", none)
        r2 = tuple([made.r2(where + (i,), b, env) for i, b in enumerate(value)]) if value else ()
        queues, qwhere = pick("queues", nowhere)
        producers, consumers = self.queues(queues or {}, qwhere, env)
        value, where = pick("dispatch_namespaces", none)
        dispatch = tuple([d for i, b in enumerate(value)
                          if (d := made.dispatch(where + (i,), b, env)) is not None]) \
            if value else ()
        if self.router is not None and self.router.get("worker") == name:
            dispatch += self.router_bindings()

        variables = self.vars(name, env)
        secrets_value, secrets_where = pick("secrets", nowhere)
        secrets = made.secrets(secrets_value or (), secrets_where) if secrets_where else ()
        routes_own = env is None or "routes" in own or "route" in own
        if routes_own:
            routes_value, routes_where = pick("routes", nowhere)
            routes = made.routes(routes_value or (), routes_where) if routes_where else ()
            one, one_where = pick("route", nowhere)
            if one_where is not None and one is not None:
                routes += (made.route(one_where, one, singular=True),)
        else:  # wrangler inherits the top level's routes
            routes = self.config_top(name).routes
        triggers, twhere = pick("triggers", nowhere)
        crons_own = env is None or "crons" in own.get("triggers", {})
        crons = made.crons((triggers or {}).get("crons", ()), twhere) if twhere else ()
        value, where = pick("tail_consumers", none)
        tails = tuple([made.tail(where + (i,), t, script_of(t["service"], env))
                       for i, t in enumerate(value)]) if value else ()
        copied, lost, origins = self.copied(name, env, keys)
        date = get("compatibility_date") or self.project.get("compatibility_date")
        flags = get("compatibility_flags")
        if flags is None:
            flags = self.project.get("compatibility_flags", ())
        namespaced = self.deploy(name) == NAMESPACE
        explicit_name = own.get("name")
        script = explicit_name if isinstance(explicit_name, str) else self._script(name, env)
        main = get("main")
        if env is not None and main is None and self.config_top(name).main is not None:
            lost += (("main", self.lost_at(name, self.own(name, env), "main")),)
        return Config(
            env=env, name=script, name_explicit=env is not None and (namespaced or bool(explicit_name)),
            main=main, compatibility_date=date, compatibility_flags=tuple(flags),
            services=services, kv_namespaces=kv, d1_databases=d1, r2_buckets=r2,
            producers=producers, consumers=consumers, dispatch_namespaces=dispatch,
            vars=variables, secrets=secrets, routes=routes, routes_own=routes_own,
            crons=crons, crons_own=crons_own, tail_consumers=tails,
            wrangler=copied, path=section, cannot_remove=lost, origins=origins)

    def config_top(self, name: str) -> Config:
        if name not in self.tops:
            self.tops[name] = self.config(name, None)
        return self.tops[name]

    def lost_at(self, name: str, own: Layer, key: str) -> KeyPath:
        """Where to report an inherited key an environment lacks: its `unset`, or else the
        worker's `top` table that alone gives the top level its value."""
        section, keys = own
        if any(e == key for e in keys.get("unset", ())):
            return section + ("unset",)
        return ("workers", name, "top", key)

    def copied(self, name: str, env: str | None, keys: Keys
               ) -> tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, KeyPath], ...],
                          tuple[tuple[str, KeyPath], ...]]:
        """Every wrangler key confgen copies as wrangler defines it, resolved for a section:
        (key, value) pairs, keys it cannot remove, (key, where declared) pairs."""
        out: dict[str, Any] = {}
        origins: dict[str, KeyPath] = {}
        lost: list[tuple[str, KeyPath]] = []
        top = dict(self.config_top(name).wrangler) if env is not None else {}
        # A key no layer sets and the top level lacks adds nothing below: only the keys
        # some layer (or the top level) has are looked at, in the same sorted order.
        present = {"account_id", *top, *self.copies.intersection(keys)}
        nowhere: tuple[Any, KeyPath | None] = (None, None)
        for key in sorted(present):
            if env is not None and key in self.top_only:
                continue  # top level only: applies to every environment
            value, where = keys.get(key, nowhere)
            if key == "account_id" and value is None and env is None:
                value, where = self.project.get("account_id"), ("project", "account_id")
            if where is not None:
                origins[key] = where
            if value is not None:
                value = self.retarget(key, self.fill(key, value, env), env)
            if env is None or key in NOT_INHERITED:
                if value is not None:
                    out[key] = value
            elif value is None and key in top:
                if key != "account_id":
                    lost.append((key, self.lost_at(name, self.own(name, env), key)))
            elif value is not None and value != top.get(key):
                out[key] = value
        return (tuple(out.items()), tuple(lost),
                tuple([(k, origins[k]) for k in out if k in origins]))

    def fill(self, key: str, value: Any, env: str | None) -> Any:
        """Entries that name a [resources.<key>] id get its values (for `env`) and its
        canonical binding name; a singleton (`ai = {}`) gets [resources.<key>].binding."""
        if key in surface.singletons() and isinstance(value, dict) and "binding" not in value:
            declared = self.resources.get(key, {}).get("binding")
            return {"binding": declared, **value} if declared else value
        if key not in surface.resource_kinds() or not isinstance(value, list):
            return value
        name = surface.name_key(key)
        out = []
        for entry in value:
            rid = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(rid, str):
                out.append(entry)
                continue
            if rid not in self.resources.get(key, {}):
                out.append(entry)  # kept as written: CG204 reports it, nothing is generated
                continue
            found = {k: v for k, v in self.entries.resource(key, rid, env).items() if k != "env"}
            own = {k: v for k, v in entry.items() if k != "resource"}
            named = own.get(name, found.get(name))
            out.append({**({name: named} if named is not None else {}), **found, **own})
        return out

    def retarget(self, key: str, value: Any, env: str | None) -> Any:
        """`script_name` of a Durable Object or Workflow binding naming a manifest worker: that
        worker's script in this environment, as for a service binding."""
        if key not in SCRIPT_TARGETS:
            return value
        entries = value.get("bindings", ()) if isinstance(value, dict) else value
        fixed = [{**e, "script_name": self.script(e["script_name"], env)}
                 if isinstance(e, dict) and isinstance(e.get("script_name"), str) else e
                 for e in entries]
        return {**value, "bindings": fixed} if isinstance(value, dict) else fixed

    def vars(self, name: str, env: str | None) -> tuple[Var, ...]:
        worker = self.workers[name]
        own_path, own = self.own(name, env)
        below = self.shared_vars(env)
        merged: dict[str, Var]
        if below is not None and "unset" not in worker and "unset" not in own:
            # each layer's vars made once: [defaults] and the environment's serve every worker
            merged = {**below, **self.layer_vars(("workers", name), worker),
                      **self.layer_vars(own_path, own)}
        else:
            merged = {}
            for path, values in unset_layers(self.var_layers(name, env)):
                for key, value in values.get("vars", {}).items():
                    merged[key] = Var(key, value, path + ("vars", key))
        if env is not None and self.router is not None and self.router.get("worker") == name:
            merged["ENVIRONMENT"] = Var("ENVIRONMENT", env, ("router", "worker"))
        return tuple(map(merged.__getitem__, sorted(merged)))

    def var_layers(self, name: str, env: str | None) -> list[Layer]:
        """Where a section's vars come from, lowest first: [defaults] <
        [environments.<env>] < the worker < its `top` or `env.<env>`."""
        worker = self.workers[name]
        layers: list[Layer] = [(("defaults",), self.defaults)]
        if env is not None:
            layers.append((("environments", env), self.environments.get(env, {})))
        layers.append((("workers", name), worker))
        layers.append(self.own(name, env))
        return layers

    def shared_vars(self, env: str | None) -> dict[str, Var] | None:
        """[defaults] < [environments.<env>] merged, once per environment (None: one of
        them has an `unset`, which only the whole walk applies)."""
        if env not in self.below_vars:
            layers: list[Layer] = [(("defaults",), self.defaults)]
            if env is not None:
                layers.append((("environments", env), self.environments.get(env, {})))
            self.below_vars[env] = None if any("unset" in v for _, v in layers) else {
                k: v for path, values in layers for k, v in self.layer_vars(path, values).items()}
        return self.below_vars[env]

    def layer_vars(self, path: KeyPath, values: Mapping[str, Any]) -> dict[str, Var]:
        """The vars a layer declares, as written there (no `unset` applied to it)."""
        if "vars" not in values:
            return {}
        found = self.vars_at.get(path)
        if found is None:
            found = self.vars_at[path] = {key: Var(key, value, path + ("vars", key))
                                          for key, value in values.get("vars", {}).items()}
        return found

    def queues(self, queues: Mapping[str, Any], where: KeyPath | None,
               env: str | None) -> tuple[tuple[Producer, ...], tuple[Consumer, ...]]:
        if where is None:
            return (), ()
        made = self.entries
        return (tuple(made.producer(where + ("producers", i), p, env)
                      for i, p in enumerate(queues.get("producers", ()))),
                tuple(made.consumer(where + ("consumers", i), c, env)
                      for i, c in enumerate(queues.get("consumers", ()))))

    def router_bindings(self) -> tuple[Dispatch, ...]:
        out = []
        for env, binding in self.namespace_bindings():
            namespace = self.environments[env].get("namespace")
            if namespace:
                out.append(Dispatch(binding, namespace, None, None,
                                    ("router", "namespace_bindings", env)))
        return tuple(out)

    def namespace_bindings(self) -> tuple[tuple[str, str], ...]:
        given = (self.router or {}).get("namespace_bindings", {})
        return tuple((env, given.get(env, env_binding_name(env))) for env in self.envs)

    # -- whole project ---------------------------------------------------------------------

    def worker(self, name: str) -> Worker:
        raw = self.workers[name]
        fmt = raw.get("format", self.defaults.get("format", self.project.get("format", "jsonc")))
        directory = raw.get("path", f"{self.project.get('workers_dir', 'workers')}/{name}")
        return Worker(name, directory.rstrip("/") or directory, fmt, self.deploy(name),
                      self.config_top(name),
                      tuple([self.config(name, e) for e in self.worker_envs(name)]),
                      ("workers", name))

    def worker_envs(self, name: str) -> tuple[str, ...]:
        """The declared environments a worker takes part in (`environments`, default all)."""
        found = self.taking.get(name)
        if found is None:
            chosen = self.workers[name].get("environments", self.defaults.get("environments"))
            found = self.taking[name] = self.envs if chosen is None \
                else tuple(e for e in self.envs if e in chosen)
        return found

    def build(self) -> Project:
        environments = tuple(
            Environment(e, self.environments[e].get("namespace"),
                        self.environments[e].get("namespace_id"),
                        tuple(sorted(self.environments[e].get("vars", {}).items())))
            for e in self.envs)
        router = None
        if self.router is not None:
            r = self.router
            router = Router(r["worker"], r["output"], r.get("default"),
                            tuple(r.get("root_domains", ())), tuple(r.get("hosts", {}).items()),
                            tuple(r.get("paths", {}).items()),
                            tuple((e, b) for e, b in self.namespace_bindings()
                                  if self.environments[e].get("namespace")))
        domains = None
        if "domains" in self.data:
            d = self.data["domains"]
            domains = Domains(d["worker"], d["output"], tuple(
                DomainRoute(x["domain"], x["service"], x.get("binding"),
                            bool(x.get("requires_auth", False)), ("domains", "routes", i))
                for i, x in enumerate(d.get("routes", ()))))
        return Project(
            name=self.project["name"], account_id=self.project.get("account_id"),
            environments=environments, external_services=self.external,
            workers=tuple([self.worker(n) for n in sorted(self.workers)]),
            router=router, domains=domains, data=dict(self.data))


def build(data: Mapping[str, Any], manifest: str = "project.toml") -> Project:
    return replace(_Builder(data).build(), manifest=manifest)
