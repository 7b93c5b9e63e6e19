"""One record for every problem confgen reports, and the registry of codes.

Codes are grouped by the stage that finds them: CG0xx load, CG1xx schema,
CG2xx references and bindings, CG3xx routes, router and domains, CG4xx outputs,
CG5xx `confgen import`, CG6xx code against config (the workers' sources).
"""

from __future__ import annotations

import json

from confgen.compat import StrEnum
from confgen.record import record

PathPart = str | int
KeyPath = tuple[PathPart, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # never fails a run, not even with --strict


@record
class Code:
    code: str
    severity: Severity
    title: str
    help: str


def _e(code: str, title: str, help: str) -> Code:
    return Code(code, Severity.ERROR, title, help)


def _w(code: str, title: str, help: str) -> Code:
    return Code(code, Severity.WARNING, title, help)


def _i(code: str, title: str, help: str) -> Code:
    return Code(code, Severity.INFO, title, help)


_ALL = (
    _e("CG001", "toml-syntax", "The manifest is not UTF-8 TOML; fix the syntax at the position "
       "given."),
    _e("CG002", "unreadable", "The manifest could not be read (missing, a folder, no permission); exit 2."),
    _w("CG003", "unused-suppression", "A `# confgen: ignore[...]` comment suppresses nothing on "
       "its line (or names no code); remove it, or fix the code it names."),
    _e("CG101", "unknown-key", "The key is neither part of the manifest format nor a key the "
       "pinned wrangler's schema allows there; check its spelling (the message suggests the "
       "nearest key)."),
    _e("CG102", "wrong-type", "The value has the wrong type for this key."),
    _e("CG103", "invalid-value", "The value does not match the allowed pattern or choices "
       "(names, binding identifiers, ids, dates)."),
    _e("CG104", "missing-key", "A required key is missing."),
    _e("CG105", "worker-incomplete", "A worker needs `main` (or `assets`, for an assets-only "
       "worker) and `compatibility_date`, set on the worker, in [defaults], or (the date) in "
       "[project]."),
    _e("CG201", "unknown-service", "A service binding or tail consumer names a worker that is "
       "neither in the manifest nor in [project].external_services."),
    _e("CG202", "service-to-namespaced", "Service bindings and tail consumers resolve only "
       "account-level scripts; bind the dispatch namespace and call get(name) instead."),
    _e("CG203", "namespace-binding-mismatch", "A dispatch namespace must be bound under the one "
       "binding name declared in [dispatch_namespaces.<id>], and that name only for it."),
    _e("CG204", "unknown-resource", "The binding names a resource not declared under [resources]."),
    _e("CG205", "unknown-namespace", "The binding names a dispatch namespace not declared under "
       "[dispatch_namespaces]."),
    _e("CG206", "unknown-environment", "An environment section names an environment not declared "
       "under [environments]."),
    _e("CG207", "resource-binding-mismatch", "A resource with a declared `binding` must be bound "
       "under that name."),
    _e("CG208", "duplicate-binding", "Two bindings of one worker share a name (across every "
       "binding kind, vars and secrets) in some environment; wrangler rejects this."),
    _e("CG209", "var-secret-collision", "A name is both a var and a secret."),
    _e("CG210", "secret-in-vars", "A var whose name says it is a secret holds a literal value; "
       "declare it under `secrets` and set it with `wrangler secret put`."),
    _e("CG211", "invalid-cron", "Cloudflare would reject this cron expression."),
    _e("CG212", "namespace-env-missing", "A per-environment namespace table must name every "
       "declared environment."),
    _e("CG213", "missing-binding-name", "The binding has no name and its resource or namespace "
       "declares none."),
    _e("CG214", "namespaced-renamed", "A namespaced worker keeps its plain name in every "
       "environment: the dispatcher finds it by that name in the namespace."),
    _e("CG215", "cannot-remove-inherited", "An environment lacks a key that wrangler "
       "inherits from the top level (it `unset`s it, or only `top` sets it), so wrangler would "
       "still use the top level's value there; set a value in the environment."),
    _e("CG216", "target-not-in-environment", "A binding names a worker of this manifest that "
       "does not take part in this environment (its `environments`), so that script does "
       "not exist there."),
    _e("CG217", "migration-tags", "Durable Object migration tags must be unique, and "
       "numbered tags (`v1`, `v2`, ...) must increase in the order the migrations are listed."),
    _e("CG218", "class-not-created", "A Durable Object binding names a class that no "
       "migration of its worker creates (`new_classes`, `new_sqlite_classes`, "
       "`renamed_classes`, `transferred_classes`)."),
    _e("CG219", "class-removed", "A Durable Object binding names a class that a migration "
       "deleted or renamed away."),
    _e("CG220", "durable-object-in-namespace", "A Durable Object or Workflow binding names a "
       "worker deployed into a dispatch namespace; bindings resolve account-level scripts "
       "only, so it cannot work."),
    _e("CG221", "workflow-not-hosted", "A Workflow binding's `script_name` names a worker of "
       "this manifest that declares no workflow of that `name` and `class_name`."),
    _e("CG222", "target-without-script-name", "A service binding, tail consumer, or Durable "
       "Object or Workflow `script_name` names a worker that has no script name in this environment (`name = false`, no `name` in its "
       "section); wrangler would bind nothing. Give the target a `name` there."),
    _w("CG251", "inconsistent-binding-name", "One service or resource is bound under different "
       "names by different workers; pick one name."),
    _w("CG252", "service-cycle", "Service bindings (and Durable Object or Workflow bindings to "
       "another worker's classes) form a cycle, so no deploy order exists."),
    _w("CG253", "unused-declaration", "A declared resource, namespace or environment is used by "
       "nothing; remove it or bind it."),
    _w("CG254", "queue-without-consumer", "A queue has producers but no consumer."),
    _w("CG255", "placeholder-id", "A resource id is not a real id (a KV id is 32 hex digits, a "
       "D1 id a uuid): fine for local development, but a deploy with it fails."),
    _w("CG256", "secret-like-placeholder", "A var whose name says it is a secret holds an "
       "obvious placeholder, or is set for a development environment only (dev, local, test, "
       "...); make sure the real value is a secret where it matters."),
    _w("CG257", "shared-script-name", "Two workers deploy as the same script (their `name`, "
       "or `<name>-<env>` in an environment): each deploy replaces the other's. Fine for "
       "local or test configs that are never deployed; otherwise rename one."),
    _e("CG301", "route-syntax", "The route pattern breaks Cloudflare's grammar: `*` only at the "
       "start of the host and the end of the path, no query, no port."),
    _e("CG302", "custom-domain-pattern", "A custom domain is a bare host: no wildcard, no path."),
    _w("CG303", "route-outside-zone", "The route's host is neither the zone nor under it: "
       "right only for a Cloudflare for SaaS custom hostname routed on its SaaS zone."),
    _e("CG304", "route-claimed-twice", "One route pattern may belong to one script only."),
    _e("CG305", "route-on-namespaced", "Routes on a namespaced worker never fire: requests reach "
       "it through the dispatcher."),
    _e("CG311", "router-unknown-target", "A router target is not a worker of this manifest."),
    _e("CG312", "router-target-not-namespaced", "Router targets must be workers with "
       "deploy = \"namespace\"."),
    _e("CG313", "router-dispatcher", "The router's worker must be a standalone worker of this "
       "manifest."),
    _e("CG314", "environment-without-namespace", "Namespaced workers need every environment to "
       "name its dispatch `namespace`."),
    _e("CG315", "router-key-overlap", "Two router host keys differ only in case or a trailing "
       "dot, or two path keys only in a trailing slash, so one can never match."),
    _e("CG316", "router-invalid-key", "A router host or path key is malformed."),
    _e("CG321", "domain-unknown-service", "A domain route names a service that is neither a "
       "worker of the manifest nor external."),
    _e("CG322", "domain-binding-missing", "The api worker has no service binding of that name."),
    _e("CG323", "domain-binding-target", "The api worker's binding points at another service "
       "than the domain route says."),
    _e("CG324", "domain-duplicate", "A domain is routed twice."),
    _e("CG325", "domain-invalid", "The domain is not a host or `*.host`."),
    _e("CG326", "domain-binding-ambiguous", "`binding` was omitted and the api worker binds "
       "that service not exactly once."),
    _e("CG327", "domains-worker", "[domains].worker must be a worker of this manifest."),
    _e("CG401", "output-collision", "Two generated outputs would be written to one path, or "
       "one output's path is a folder another output needs."),
    _e("CG402", "output-outside", "An output path leaves the manifest's folder."),
    _e("CG403", "output-path-unportable", "An output path names a folder (trailing slash) or a "
       "file some platform cannot create: Windows' reserved names (con, nul.json, ...) and "
       "characters (`:` `*` `?` ...)."),
    _w("CG404", "main-outside", "A worker's `main` lies outside the manifest's folder, where "
       "confgen's checks do not reach."),
    _e("CG411", "output-stale", "A generated file differs from what the manifest gives; run "
       "`confgen generate`."),
    _e("CG412", "output-missing", "A generated file is missing; run `confgen generate`."),
    _e("CG413", "output-hand-edited", "A file at an output path was written or edited by hand; "
       "generate will not overwrite it without --force."),
    _e("CG414", "output-orphaned", "A file confgen generated earlier no longer belongs to any "
       "output; `confgen generate` removes it."),
    _e("CG415", "conflicting-wrangler-file", "A wrangler file a person wrote sits beside a "
       "generated one; wrangler silently reads the first of wrangler.json, wrangler.jsonc, "
       "wrangler.toml."),
    _e("CG416", "output-not-regular", "At an output path, or on its way, is something confgen "
       "does not write through: a symbolic link leaving the manifest's folder, a link as the "
       "file itself, a folder, a FIFO or a device. Nothing is written."),
    _e("CG417", "lock-invalid", "The manifest's lock (confgen.lock) cannot be trusted: it does "
       "not parse (merge-conflict markers included), belongs to another manifest, or lists a "
       "path that is not inside the folder. Nothing is written until it is fixed."),
    _w("CG418", "lock-entry-ignored", "The lock lists a path that confgen will not touch (not "
       "a file confgen generates, the manifest, or behind a link); it is left alone and the "
       "entry dropped."),
    _w("CG419", "leftover-temporary-file", "A temporary file left by an interrupted run; "
       "`confgen generate` removes it."),
    _e("CG420", "concurrent-run", "Another process changed an output during the run, or "
       "another confgen run holds the folder; nothing more was written."),
    _e("CG421", "output-io", "An output could not be read, rendered or written."),
    _e("CG501", "import-unreadable", "`confgen import`: a wrangler file could not be read or "
       "parsed, or is a symbolic link (confgen writes only regular files); it is not imported, "
       "the others are."),
    _e("CG502", "import-two-configs", "`confgen import`: a folder holds two wrangler files; "
       "wrangler reads only the first of wrangler.json, wrangler.jsonc, wrangler.toml, and so "
       "does import. Remove the other."),
    _w("CG503", "import-shared-script-name", "`confgen import`: two wrangler files have one "
       "script `name`; the first (by path) keeps it as its worker key, a later one is imported "
       "under a key made from its folder, with `name` set to the shared script (CG257)."),
    _e("CG504", "import-not-expressible", "`confgen import`: the manifest format cannot say "
       "this key or value, so it is left out (or approximated) and the generated file will "
       "differ there."),
    _e("CG505", "import-difference", "`confgen import`: in this environment, the file the "
       "manifest generates means something else than the original for this key (compared as "
       "wrangler reads both)."),
    _w("CG507", "import-kept-despite-rule", "`confgen import`: an original breaks one of "
       "confgen's rules (the code named); import keeps the value as the original has it and "
       "puts `# confgen: ignore[CODE]` on its manifest line (for the checks of the workers' "
       "code, CG6xx, an entry of `[lint] ignore`), so nothing changes until you fix it."),
    _w("CG508", "import-ignored-key", "`confgen import`: a section of a wrangler file has a "
       "key wrangler's schema does not have (`usage_model`, a typo); wrangler warns "
       "\"Unexpected fields\" and ignores it, so the manifest leaves it out and the meaning "
       "does not change. Remove it from the original."),
    _i("CG509", "import-no-name", "`confgen import`: a wrangler file has no top-level "
       "`name` (a test or local config); it is imported under a key made from its folder, "
       "with `name = false`, so the generated file has no name either."),
    _e("CG601", "binding-unbound", "The code uses a binding (env.NAME) that no environment "
       "of the worker binds; bind it in project.toml or fix the name."),
    _w("CG602", "binding-partly-bound", "The code uses a binding that some environments do not "
       "bind, so it is undefined there."),
    _w("CG603", "binding-unused", "The worker declares a binding its code never uses; remove "
       "it or use it."),
    _e("CG604", "class-not-exported", "A Durable Object, Workflow or container `class_name`, or "
       "a service binding's `entrypoint`, names a class the target worker does not export."),
    _e("CG605", "handler-missing", "The config sends the worker events its code has no handler "
       "for: crons need `scheduled`, queue consumers `queue`, tail consumers `tail`, routes, "
       "router targets and service bindings `fetch` (or a WorkerEntrypoint)."),
    _i("CG606", "dynamic-env", "The code reaches env in a way the scan cannot follow "
       "(env[name], Object.keys(env), service-worker globals); the binding checks are "
       "partial for this worker."),
    _i("CG607", "sources-skipped", "Workers whose `main` is not in the repository are left out "
       "of the source checks (noted when other workers' code is there)."),
    _w("CG608", "source-unscanned", "A source file could not be read or parsed (a syntax error, "
       "outside the worker's folder, not a regular file, too large); checks are partial."),
)

CODES: dict[str, Code] = {c.code: c for c in _ALL}


@record(order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    code: str
    message: str
    path: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }


@record
class Issue:
    """A problem found by a rule, located by key path; validate turns it into a Diagnostic."""

    code: str
    path: KeyPath
    message: str
    where: tuple[str, int, int] | None = None  # (file, line, column) in a worker's source


def format_path(path: KeyPath) -> str:
    """`workers.gateway.services[0].service`; keys that are not bare TOML keys are quoted."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if part and all(c.isalnum() or c in "_-" for c in part) and part.isascii() \
            else json.dumps(part, ensure_ascii=False)
        out += f".{key}" if out else key
    return out


def codes_markdown() -> str:
    """docs/diagnostics.md: generated from CODES, so the list cannot drift (a test checks).
    One heading per code, so a SARIF helpUri can point at `#cg201-unknown-service`."""
    lines = ["# confgen diagnostics", "",
             "Generated by `confgen codes` from `confgen/diagnostics.py`; do not edit.", "",
             ("Switch a code off for one manifest line with `# confgen: ignore[CODE]`, for the "
              "manifest with `[lint] ignore = [\"CODE\"]`, or for one run with `--ignore CODE`; "
              "codes are matched by prefix (`CG2` is every CG2xx). Load and schema problems "
              "(CG0xx, CG1xx) and output errors (CG4xx: where files go, their state on disk) "
              "are always reported."), "",
             "| code | severity | title |", "|---|---|---|"]
    for c in _ALL:
        lines.append(f"| [{c.code}](#{c.code.lower()}-{c.title}) | {c.severity} | {c.title} |")
    for c in _ALL:
        lines += ["", f"## {c.code} {c.title}", "", f"{c.severity.capitalize()}. {c.help}"]
    return "\n".join(lines) + "\n"
