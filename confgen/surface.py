"""wrangler's own key surface, from schemas/wrangler-keys.json (made by scripts/wrangler-surface).

Every key of a wrangler file, as the pinned wrangler defines it: where it may stand (`env`:
the top level and `env.<name>` sections; `top`: the top level only), whether wrangler
inherits it into environments, the binding kind it declares, and its JSON Schema. confgen's
inheritance, the keys a worker accepts and the sub-keys its bindings allow come from here.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from confgen.resources import data_dir

KEYS_FILE = "wrangler-keys.json"
KEY_DEF = "wrangler.key."  # $defs name prefix of one wrangler key's schema
# Keys the manifest defines itself (checked and resolved by confgen, not copied as given);
# their binding entries still accept every sub-key wrangler's definition has.
CONFGEN_DEFINED = frozenset({
    "name", "main", "compatibility_date", "compatibility_flags", "services", "kv_namespaces",
    "d1_databases", "r2_buckets", "queues", "dispatch_namespaces", "vars", "secrets", "routes",
    "route", "triggers", "tail_consumers",
})
# Binding lists whose entries confgen reads (item definition to extend with wrangler's).
_ITEM_LISTS = {"services": "service", "kv_namespaces": "kv", "d1_databases": "d1",
               "r2_buckets": "r2", "dispatch_namespaces": "dispatchBinding",
               "tail_consumers": "tailConsumer"}
_QUEUE_ITEMS = {"producers": "queueProducer", "consumers": "queueConsumer"}


@cache
def surface() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((data_dir("schemas") / KEYS_FILE).read_text("utf-8"))
    return loaded


def keys() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = surface()["keys"]
    return found


@cache
def not_inherited() -> frozenset[str]:
    """Keys wrangler does not copy from the top level into `env.<name>`."""
    return frozenset(k for k, v in keys().items() if v["section"] == "env" and not v["inherited"])


@cache
def top_only() -> frozenset[str]:
    return frozenset(k for k, v in keys().items() if v["section"] == "top")


@cache
def binding_kinds() -> dict[str, str]:
    """wrangler key -> the binding kind wrangler prints for it (`KV Namespace`, ...)."""
    return {k: v["binding"] for k, v in keys().items() if v["binding"]}


@cache
def copied() -> frozenset[str]:
    """wrangler keys confgen validates with wrangler's definition and writes as resolved."""
    return frozenset(keys()) - CONFGEN_DEFINED


@cache
def resource_kinds() -> dict[str, dict[str, Any]]:
    """Binding keys whose entries name an account resource (hyperdrive, vectorize, ...):
    key -> wrangler's definition of one entry. They can be declared once under
    [resources.<key>.<id>] and bound with `resource = "<id>"`."""
    defs = surface()["definitions"]
    out = {}
    for key in sorted(copied()):
        node = _resolve(keys()[key]["schema"], defs)
        item = _resolve(node.get("items", {}), defs) if node.get("type") == "array" else {}
        if key in binding_kinds() and item.get("type") == "object" and item.get("properties"):
            out[key] = item
    return out


@cache
def singletons() -> frozenset[str]:
    """Binding keys that are one `{binding}` table (ai, browser, images, ...): their canonical
    name can be declared as [resources.<key>] binding = "..."."""
    defs = surface()["definitions"]
    return frozenset(k for k in copied() if k in binding_kinds()
                     and _resolve(keys()[k]["schema"], defs).get("required") == ["binding"])


def name_key(kind: str) -> str:
    """The sub-key that names an entry on `env`: `binding`, or `name` (ratelimits, send_email)."""
    props = resource_kinds().get(kind, {}).get("properties", {})
    return "binding" if "binding" in props or kind in singletons() else "name"


def required(kind: str) -> tuple[str, ...]:
    """What wrangler requires of one entry (checked after a `resource` is filled in)."""
    return tuple(resource_kinds().get(kind, {}).get("required", ()))


def _resolve(node: Any, defs: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node if isinstance(node, dict) else {}


def _item_schema(key: str, defs: dict[str, Any], sub: str | None = None) -> dict[str, Any]:
    node = _resolve(keys()[key]["schema"], defs)
    if sub is not None:
        node = _resolve(node.get("properties", {}).get(sub, {}), defs)
    return _resolve(node.get("items", {}), defs)


def _extend_item(target: dict[str, Any], wrangler: dict[str, Any]) -> None:
    """Add wrangler's sub-keys to one of confgen's binding definitions (confgen's stay)."""
    props = target.setdefault("properties", {})
    for name, prop in wrangler.get("properties", {}).items():
        props.setdefault(name, prop)
    if wrangler.get("additionalProperties", False) is not False:
        target["additionalProperties"] = wrangler["additionalProperties"]


def _bindable(item: dict[str, Any], description: str) -> dict[str, Any]:
    """One entry as a manifest writes it: wrangler's sub-keys, none required (a `resource`
    can fill them in), plus `resource`."""
    out = {k: copy.deepcopy(v) for k, v in item.items() if k != "required"}
    out["properties"] = {**out.get("properties", {}), "resource": {
        "$ref": "#/$defs/resourceId", "description": description}}
    out.setdefault("additionalProperties", False)
    return out


def _key_schema(key: str) -> dict[str, Any]:
    entry = keys()[key]
    schema = dict(entry["schema"])
    if key in resource_kinds():
        schema = {"type": "array", "description": schema.get("description", ""),
                  "items": _bindable(resource_kinds()[key],
                                     f"A [resources.{key}] id: its values are filled in.")}
    elif key in singletons():
        schema = {k: v for k, v in _resolve(schema, surface()["definitions"]).items()
                  if k != "required"}
        schema["description"] = (schema.get("description", "") + "\n\n`binding` defaults to "
                                 f"[resources.{key}].binding.").strip()
    inherited = {None: "Top level only in wrangler: applies to every environment.",
                 True: "wrangler inherits it into environments.",
                 False: "wrangler does not inherit it: confgen writes it in every environment."}
    note = inherited[entry.get("inherited")]
    schema["description"] = (schema.get("description", "") + f"\n\n(wrangler `{key}`; {note})"
                             ).strip()
    return schema


def extend(base: dict[str, Any]) -> dict[str, Any]:
    """The manifest's schema (`base`, a fresh copy the caller gives up) with wrangler's keys and
    definitions added: each key's schema once under $defs, referenced where it may stand."""
    schema = base
    defs: dict[str, Any] = schema["$defs"]
    defs.update(surface()["definitions"])  # shared, never changed in place
    for key in sorted(copied()):
        defs[KEY_DEF + key] = _key_schema(key)
    top = {**defs["workerEnv"], "properties": {
        k: v for k, v in defs["workerEnv"]["properties"].items() if k != "name"}}
    top["description"] = ("The worker's keys for the wrangler file's top level only: "
                          "environments do not get them from confgen.")
    defs["workerTop"] = top
    for name in ("worker", "defaults", "workerTop"):
        props = defs[name]["properties"]
        for key in sorted(copied()):
            props.setdefault(key, {"$ref": f"#/$defs/{KEY_DEF}{key}"})
    env_props = defs["workerEnv"]["properties"]
    for key in sorted(copied() - top_only()):
        env_props.setdefault(key, {"$ref": f"#/$defs/{KEY_DEF}{key}"})
    for name in ("worker", "defaults", "workerTop", "workerEnv"):
        allowed = copied() - top_only() if name == "workerEnv" else copied()
        defs[name]["properties"]["wrangler"] = {
            "type": "object", "additionalProperties": False,
            "properties": {k: {"$ref": f"#/$defs/{KEY_DEF}{k}"} for k in sorted(allowed)},
            "description": "wrangler keys grouped in one table (as `confgen import` writes "
                           "them): the same as writing each key directly, checked the same way."}
    resources = schema["properties"]["resources"]["properties"]
    for kind, item in resource_kinds().items():
        declared = {k: v for k, v in _bindable(item, "").items()}
        props = {k: v for k, v in declared["properties"].items() if k != "resource"}
        per_env = {"type": "object", "additionalProperties": False, "description":
                   "Values for this environment.",
                   "properties": {k: v for k, v in props.items() if k != name_key(kind)}}
        declared["properties"] = {**props, "env": {
            "type": "object", "propertyNames": {"$ref": "#/$defs/envName"},
            "additionalProperties": per_env, "description": "Per-environment values."}}
        declared["description"] = (f"A shared {binding_kinds()[kind]}: declared once, bound "
                                   f"with `{kind} = [{{ resource = \"<id>\" }}]`.")
        resources[kind] = {"type": "object", "propertyNames": {"$ref": "#/$defs/resourceId"},
                           "additionalProperties": declared,
                           "description": f"Shared {binding_kinds()[kind]} resources, by id."}
    for kind in sorted(singletons()):
        resources[kind] = {"type": "object", "additionalProperties": False, "required": ["binding"],
                           "properties": {"binding": {"$ref": "#/$defs/bindingName"}},
                           "description": f"The one name every worker binds {kind} under."}
    for key, name in _ITEM_LISTS.items():
        _extend_item(defs[name], _item_schema(key, defs))
    for sub, name in _QUEUE_ITEMS.items():
        _extend_item(defs[name], _item_schema("queues", defs, sub))
    return schema
