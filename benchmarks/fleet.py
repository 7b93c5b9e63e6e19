"""A realistic generated fleet: N workers x 3 environments, as one project.toml.

The mix (issue #12): 60% namespaced workers, 40% standalone; shared KV with per-env
ids, D1 databases, queue pairs (one producer, one consumer), acyclic service bindings
between standalone workers, tail consumers, per-env routes, crons, secrets, vars,
router hosts, wildcards and paths, domain routes; 10% of the workers write TOML.
The manifest validates clean (no errors, no warnings), so it measures the passing case.

Run: .venv/bin/python benchmarks/fleet.py 1000 > /tmp/fleet/project.toml
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from pathlib import Path

ENVS = ("production", "staging", "development")


def _hex(seed: str, n: int = 32) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def _uuid(seed: str) -> str:
    return str(uuid.UUID(_hex(seed)))


def _name(i: int) -> str:
    return f"w{i:05d}"


def manifest(n: int) -> str:
    """The manifest text for n workers (n >= 10): deterministic, clean under validate."""
    if n < 10:
        raise ValueError("a fleet needs at least 10 workers")
    standalone = [i for i in range(n) if i % 5 in (0, 1)]  # 40%
    namespaced = [i for i in range(n) if i % 5 not in (0, 1)]  # 60%
    kv_count = max(2, n // 20)
    d1_count = max(2, n // 25)
    queue_count = max(1, len(standalone) // 2)
    out: list[str] = [
        "#:schema ./schemas/project.schema.json",
        f"# A generated fleet of {n} workers x {len(ENVS)} environments (benchmarks/fleet.py).",
        "",
        "[project]",
        'name = "fleet"',
        f'account_id = "{_hex("account")}"',
        'compatibility_date = "2025-10-01"',
        'format = "jsonc"',
        'external_services = ["logger", "pipeline"]',
        "",
        "[defaults]",
        'main = "src/index.ts"',
        "observability = { enabled = true }",
        'vars = { LOG_FORMAT = "json", SERVICE_VERSION = "1" }',
        "",
    ]
    for env in ENVS:
        out += [f"[environments.{env}]", f'namespace = "fleet-{env}"',
                f'namespace_id = "{_uuid("ns" + env)}"',
                f'vars = {{ ENV_NAME = "{env}", LOG_LEVEL = "{"warn" if env == "production" else "debug"}" }}',
                ""]
    names = ", ".join(f'{e} = "fleet-{e}"' for e in ENVS)
    out += ["[dispatch_namespaces.fleet]", f"namespace = {{ {names} }}",
            'binding = "FLEET"', ""]
    for k in range(kv_count):
        out += [f"[resources.kv.kv{k}]", f'id = "{_hex(f"kv{k}")}"', f'binding = "KV{k}"']
        for env in ENVS:
            out += [f"[resources.kv.kv{k}.env.{env}]", f'id = "{_hex(f"kv{k}{env}")}"']
        out.append("")
    for k in range(d1_count):
        out += [f"[resources.d1.db{k}]", f'database_name = "db{k}"',
                f'database_id = "{_uuid(f"d1{k}")}"', f'binding = "DB{k}"']
        for env in ENVS:
            out += [f"[resources.d1.db{k}.env.{env}]", f'database_name = "db{k}-{env}"',
                    f'database_id = "{_uuid(f"d1{k}{env}")}"']
        out.append("")
    # Queue pairs: standalone worker 2k+2 produces to q<k>, worker 2k+3 consumes it.
    pairs = [k for k in range(queue_count) if 3 + 2 * k < len(standalone)]
    producers = {standalone[2 + 2 * k]: k for k in pairs}
    consumers = {standalone[3 + 2 * k]: k for k in pairs}
    for k in pairs:
        out += [f"[resources.queues.q{k}]", f'queue = "q{k}"', f'binding = "Q{k}"', ""]

    # The dispatcher (standalone worker 0) and the api worker (standalone worker 1).
    dispatcher, api = _name(standalone[0]), _name(standalone[1])
    domain_targets: list[str] = []
    for pos, i in enumerate(standalone):
        name = _name(i)
        out.append(f"[workers.{name}]")
        if i % 10 == 0 and pos > 1:
            out.append('format = "toml"')
        lines = [f'kv_namespaces = [{{ resource = "kv{i % kv_count}" }}]',
                 f'd1_databases = [{{ resource = "db{pos % d1_count}" }}]',
                 f'vars = {{ WORKER = "{name}", MAX_ITEMS = {i % 100 + 1}, FEATURE_X = {str(i % 2 == 0).lower()} }}',
                 f'secrets = ["API_KEY_{i}", "SIGNING_SECRET"]',
                 f'tail_consumers = [{{ service = "{"logger" if i % 3 else "pipeline"}" }}]']
        # Acyclic: standalone workers bind up to two earlier standalone workers (never the
        # dispatcher or the api worker, which bind nothing of their own).
        targets = [standalone[p] for p in (pos - 1, pos - 7) if p >= 2]
        if pos > 1 and targets:
            services = ", ".join(f'{{ binding = "SVC_{_name(t).upper()}", service = "{_name(t)}" }}'
                                 for t in targets)
            lines.append(f"services = [{services}]")
        if pos > 1:
            lines.append('dispatch_namespaces = [{ namespace = "fleet" }]')
        if i in producers:
            lines.append(f'queues = {{ producers = [{{ resource = "q{producers[i]}" }}] }}')
        if i in consumers:
            lines.append(f'queues = {{ consumers = [{{ resource = "q{consumers[i]}", '
                         "max_batch_size = 10 }] }")
        if i % 4 == 0:
            lines.append(f'triggers = {{ crons = ["*/{i % 50 + 5} * * * *", "0 {i % 24} * * *"] }}')
        if pos == 1:  # the api worker binds every domain target
            domain_targets = [_name(t) for t in standalone[2::4]]
            services = ", ".join(f'{{ binding = "SVC_{t.upper()}", service = "{t}" }}'
                                 for t in domain_targets)
            lines = [f"services = [{services}]", 'secrets = ["AUTH_SECRET"]']
        if pos == 0:
            lines = ['compatibility_flags = ["python_workers"]', 'main = "src/index.py"']
        out += lines
        out.append("")
        if pos > 1:  # per-env routes on a zone of their own
            for env in ENVS:
                host = f"{name}.fleet.example" if env == "production" else f"{name}.{env}.fleet.example"
                out += [f"[workers.{name}.env.{env}]",
                        f'routes = [{{ pattern = "{host}/*", zone_name = "fleet.example" }}]',
                        f'vars = {{ REGION = "{("eu", "us", "ap")[i % 3]}" }}', ""]
    for i in namespaced:
        name = _name(i)
        out.append(f"[workers.{name}]")
        out.append('deploy = "namespace"')
        out += [f'kv_namespaces = [{{ resource = "kv{i % kv_count}" }}]',
                'dispatch_namespaces = [{ namespace = "fleet" }]',
                f'vars = {{ WORKER = "{name}", SHARD = {i % 16} }}',
                'secrets = ["DATABASE_URL"]']
        if i % 3 == 0:
            out.append(f'd1_databases = [{{ resource = "db{i % d1_count}" }}]')
        if i % 7 == 0:
            out.append(f'triggers = {{ crons = ["{i % 60} */2 * * *"] }}')
        out.append("")
        if i % 4 == 3:
            out += [f"[workers.{name}.env.production]", 'vars = { CACHE_TTL = 3600 }', ""]

    # Router: every namespaced worker gets an exact host; every 5th also a wildcard,
    # every 10th a path prefix.
    out += ["[router]", f'worker = "{dispatcher}"',
            f'output = "workers/{dispatcher}/src/router_table.py"',
            f'default = "{_name(namespaced[0])}"', 'root_domains = ["fleet.do", "api.fleet.do"]', ""]
    out.append("[router.hosts]")
    for i in namespaced:
        out.append(f'"{_name(i)}.fleet.do" = "{_name(i)}"')
        if i % 5 == 2:
            out.append(f'"*.{_name(i)}.fleet.do" = "{_name(i)}"')
    out += ["", "[router.paths]"]
    for i in namespaced[::10]:
        out.append(f'"/api/{_name(i)}/" = "{_name(i)}"')
    out += ["", "[domains]", f'worker = "{api}"',
            f'output = "workers/{api}/assets/domain-routes.json"', ""]
    for n_, target in enumerate(domain_targets):
        out += ["[[domains.routes]]",
                f'domain = "{"*." if n_ % 5 == 4 else ""}{target}.apps.do"',
                f'service = "{target}"', f"requires_auth = {str(n_ % 2 == 0).lower()}", ""]
    return "\n".join(out)


def write_fleet(folder: Path, n: int) -> Path:
    """Write project.toml (and nothing else) for n workers into folder; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "project.toml"
    path.write_text(manifest(n), encoding="utf-8")
    return path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sys.stdout.write(manifest(n))


if __name__ == "__main__":
    main()
