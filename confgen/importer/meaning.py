"""What a wrangler file means in one environment, as wrangler's reader computes it.

`meaning(data, env)` mirrors `unstable_readConfig` for the keys that decide what gets
deployed: an environment inherits every key it does not set, except the keys wrangler does
not inherit (bindings, vars, secrets... `NOT_INHERITED`), which an environment has only when
it sets them; an environment's script name is its own `name`, else `<name>-<env>`; `$schema`
means nothing. Empty lists and tables mean the same as absent ones (wrangler fills those
defaults), except `triggers.crons = []`, which `wrangler deploy` sends to remove every cron
trigger; and `./x` is the path `x`. tests/test_import_meaning.py checks this against the
pinned wrangler on every corpus file.
"""

from __future__ import annotations

import posixpath
from typing import Any

from confgen.model import NOT_INHERITED

# The keys confgen models itself that wrangler does not inherit either.
MODELLED_NOT_INHERITED = frozenset({
    "vars", "secrets", "services", "kv_namespaces", "d1_databases", "r2_buckets", "queues",
    "dispatch_namespaces", "tail_consumers",
})
NOT_INHERITED_KEYS = NOT_INHERITED | MODELLED_NOT_INHERITED
IGNORED = frozenset({"$schema"})


def inherited(key: str) -> bool:
    return key not in NOT_INHERITED_KEYS


# Empty values that mean something else than an absent one: `triggers.crons = []` makes
# `wrangler deploy` remove every cron trigger, an absent one leaves them as they are.
MEANINGFUL_EMPTY = frozenset({"crons"})


def _clean(value: Any) -> Any:
    """Drop empty lists and tables (wrangler's defaults) and `./` in relative paths."""
    if isinstance(value, dict):
        out = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items()
                if v is not None and (v not in ({}, []) or k in MEANINGFUL_EMPTY)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str) and value.startswith(("./", "../")):
        return posixpath.normpath(value)
    return value


def meaning(data: dict[str, Any], env: str | None) -> dict[str, Any]:
    """The file's meaning at the top level (env None) or in `env` (which it must declare)."""
    top = {k: v for k, v in data.items() if k != "env" and k not in IGNORED}
    if env is None:
        return dict(_clean(top))
    section = {k: v for k, v in data["env"][env].items() if k not in IGNORED}
    out: dict[str, Any] = {}
    for key in sorted(set(top) | set(section)):
        if key == "name":
            continue
        if key in section:
            out[key] = section[key]
        elif inherited(key):
            out[key] = top[key]
    name = section.get("name")
    if name is None and isinstance(top.get("name"), str):
        name = f"{top['name']}-{env}"
    if name is not None:
        out["name"] = name
    return dict(_clean(out))


def environments(data: dict[str, Any]) -> list[str]:
    envs = data.get("env")
    return list(envs) if isinstance(envs, dict) else []
