"""What a wrangler file means in one environment, as wrangler's reader computes it.

`meaning(data, env)` mirrors `unstable_readConfig`: every key the file does not set has
wrangler's default (`wrangler_defaults.json`, written from the pinned wrangler by
scripts/wrangler-defaults); an environment inherits every key it does not set, except the
keys wrangler does not inherit (bindings, vars, secrets... `NOT_INHERITED_KEYS`), which an
environment has only when it sets them; an environment's script name is its own `name`,
else `<name>-<env>`; `$schema`, and any other key wrangler's schema does not have, means
nothing (wrangler warns "Unexpected fields" and drops it). So an absent key and a key set to wrangler's
default compare equal, and a top-level key set to `{}` where wrangler has no default (such
as `assets = {}`) does not. Inside a value, an empty list or table is the same as an absent
one (`queues = { producers = [] }` is `queues = {}`), except `triggers.crons = []`, which
`wrangler deploy` sends to remove every cron trigger: `canonical`. tests/test_import_meaning.py
checks all this against the pinned wrangler on every corpus file.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from confgen import surface
from confgen.model import NOT_INHERITED

# wrangler's own classification (schemas/wrangler-keys.json, from its schema)
NOT_INHERITED_KEYS = NOT_INHERITED
IGNORED = frozenset({"$schema"})
DEFAULTS_FILE = Path(__file__).resolve().parent / "wrangler_defaults.json"


@cache
def defaults() -> dict[str, Any]:
    """What wrangler's reader gives each key a file does not set."""
    data: dict[str, Any] = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["defaults"]
    return data


# Empty values that mean something else than absent ones.
MEANINGFUL_EMPTY = frozenset({"crons"})


def _inner(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _inner(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, []) or k in MEANINGFUL_EMPTY}
    if isinstance(value, list):
        return [_inner(v) for v in value]
    return value


def canonical(config: dict[str, Any]) -> dict[str, Any]:
    """A reading up to empty lists and tables inside values (keys stay as they are)."""
    return {k: _inner(v) for k, v in config.items()}


def inherited(key: str) -> bool:
    return key not in NOT_INHERITED_KEYS


def known(key: str) -> bool:
    """A key of wrangler's schema: its reader drops any other key of a section ("Unexpected
    fields found in top-level field") and reads on."""
    schema_keys = surface.keys()  # wrangler's keys (a function, not dict.keys)
    return key in schema_keys


def meaning(data: dict[str, Any], env: str | None) -> dict[str, Any]:
    """The file's meaning at the top level (env None) or in `env` (which it must declare)."""
    top = {k: v for k, v in data.items() if k != "env" and known(k)}
    out = copy.deepcopy(defaults())
    if env is None:
        out.update(top)
        return canonical(out)
    section = {k: v for k, v in data["env"][env].items() if known(k)}
    for key in set(top) | set(section):
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
    return canonical(out)


def environments(data: dict[str, Any]) -> list[str]:
    envs = data.get("env")
    return list(envs) if isinstance(envs, dict) else []
