"""What `wrangler deploy --dry-run` must print for one worker in one environment, computed
from confgen's model (confgen/model.py `Config`), independently of confgen's renderer.

The printed forms follow wrangler 4.164.0 (`printBindings` in wrangler-dist/cli.js and the
table documented in tests/wrangler_tool.py):

| model                      | kind                   | value                                       |
|----------------------------|------------------------|---------------------------------------------|
| services                   | Worker                 | script name, `script#Entrypoint`            |
| kv_namespaces              | KV Namespace           | id                                          |
| d1_databases               | D1 Database            | database_name (falls back to database_id)   |
| r2_buckets                 | R2 Bucket              | bucket_name                                 |
| queues.producers           | Queue                  | queue name                                  |
| dispatch_namespaces        | Dispatch Namespace     | real namespace name (+ ` (outbound -> s)`)  |
| vars                       | Environment Variable   | `"text"` for strings, JSON text otherwise   |

Not in the table: `secrets` (`secrets.required` names only take part in wrangler's
duplicate-name check), queue consumers, routes, crons. Tail consumers are a separate list.

Every other binding kind is a wrangler key confgen copies (`Config.wrangler`, confgen.surface):
its rows are (name, wrangler's friendly kind name, value), the value as measured below for
the kinds the scenarios use, and compared by name and kind only (value `ANY`) for the rest:

| key                        | value printed                                           |
|----------------------------|---------------------------------------------------------|
| durable_objects.bindings   | class_name, + `, defined in <script_name>` when given   |
| workflows                  | class_name, + `, defined in <script_name>` when given   |
| vectorize                  | index_name                                              |
| hyperdrive                 | id                                                      |
| ratelimits                 | `<limit> requests/<period>s`                            |
| ai                         | none                                                    |
"""

from __future__ import annotations

import json
import math
from collections import Counter
from decimal import Decimal
from typing import Any

from confgen import surface
from confgen.model import Config

Row = tuple[str, str, str | None]  # (binding name, kind, printed value)

# wrangler's `truncate`: texts of 40+ UTF-16 code units are cut to 37 units + "...".
TRUNCATE_AT = 40


def truncate(text: str, max_length: int = TRUNCATE_AT) -> str:
    units = text.encode("utf-16-le")
    if len(units) // 2 < max_length:
        return text
    return units[: 2 * (max_length - 3)].decode("utf-16-le", "replace") + "..."


def js_number(x: float) -> str:
    """JavaScript's Number::toString (what JSON.stringify prints for a number)."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return "null"  # JSON.stringify(NaN / Infinity)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    sign = "-" if x < 0 else ""
    _, digit_tuple, exp = Decimal(repr(abs(x))).normalize().as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = exp + k  # the decimal point sits after n digits
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        body = digits[0] + ("." + digits[1:] if k > 1 else "") + f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _is_array_index(key: str) -> bool:
    return key.isdigit() and str(int(key)) == key and int(key) < 2**32 - 1


def js_stringify(value: Any) -> str:
    """JSON.stringify(value) with no indentation, as node prints it."""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(js_stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        # JS objects list integer-like keys first, ascending, then the rest in insertion order
        keys = [k for k in value if _is_array_index(k)]
        keys = sorted(keys, key=int) + [k for k in value if not _is_array_index(k)]
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{js_stringify(value[k])}"
                              for k in keys) + "}"
    raise TypeError(f"not a JSON value: {value!r}")


def printed_var(value: Any) -> str:
    """How the bindings table shows a var: a string between double quotes (cut, not escaped),
    anything else as its (cut) JSON text."""
    if isinstance(value, str):
        return f'"{truncate(value)}"'
    return truncate(js_stringify(value))


ANY = "<any value>"


def _defined_in(entry: dict[str, Any], key: str) -> str:
    script = entry.get("script_name")
    return str(entry[key]) + (f", defined in {script}" if script else "")


_VALUES: dict[str, Any] = {
    "durable_objects": lambda e: _defined_in(e, "class_name"),
    "workflows": lambda e: _defined_in(e, "class_name"),
    "vectorize": lambda e: e["index_name"],
    "hyperdrive": lambda e: e["id"],
    "ratelimits": lambda e: f"{e['simple']['limit']} requests/{e['simple']['period']}s",
    "ai": lambda e: None,
}


def copied_rows(config: Config, effective: Any) -> list[Row]:
    """Rows of the binding kinds confgen copies as wrangler defines them; `effective(key)` is
    the key's value as wrangler reads it in this section."""
    rows: list[Row] = []
    for key, kind in surface.binding_kinds().items():
        if key not in surface.copied() or key in ("assets",):
            continue
        value = effective(key)
        if isinstance(value, dict) and key == "durable_objects":
            entries = value.get("bindings", [])
        elif isinstance(value, dict):
            entries = [value] if "binding" in value else []
        else:
            entries = value or []
        for e in entries:
            name = e.get("binding", e.get("name"))
            shown = _VALUES[key](e) if key in _VALUES else ANY
            rows.append((str(name), kind, shown))
    return rows


def any_values(printed: Counter[Row], expected: Counter[Row]) -> Counter[Row]:
    """The printed rows with the value of every kind the expectation leaves open as ANY."""
    open_kinds = {kind for (_, kind, value) in expected if value == ANY}
    return Counter({(n, k, ANY if k in open_kinds else v): c for (n, k, v), c in printed.items()})


def expected_rows(config: Config) -> Counter[Row]:
    """The bindings table rows wrangler must print for this worker in this environment."""
    rows: list[Row] = []
    for s in config.services:
        rows.append((s.binding, "Worker", s.script + (f"#{s.entrypoint}" if s.entrypoint else "")))
    for kv in config.kv_namespaces:
        rows.append((str(kv.binding), "KV Namespace", kv.id))
    for d1 in config.d1_databases:
        rows.append((str(d1.binding), "D1 Database", d1.database_name or d1.database_id))
    for r2 in config.r2_buckets:
        rows.append((str(r2.binding), "R2 Bucket", r2.bucket_name))
    for p in config.producers:
        rows.append((str(p.binding), "Queue", p.queue))
    for d in config.dispatch_namespaces:
        value = d.namespace
        if isinstance(d.outbound, dict) and d.outbound.get("service"):
            value += f" (outbound -> {d.outbound['service']})"
        rows.append((str(d.binding), "Dispatch Namespace", value))
    for v in config.vars:
        rows.append((v.name, "Environment Variable", printed_var(v.value)))
    # config.secrets: deliberately absent, wrangler does not print `secrets.required`.
    return Counter(rows)


def expected_tail_consumers(config: Config) -> Counter[str]:
    return Counter(t.script for t in config.tail_consumers)


def multiset_diff(expected: Counter[Any], actual: Counter[Any]) -> str:
    """A readable diff of two multisets ('' when equal)."""
    missing = expected - actual
    extra = actual - expected
    lines = []
    for item, n in sorted(missing.items(), key=repr):
        lines.append(f"  missing (model has it, wrangler does not print it): {item!r}"
                     + (f" x{n}" if n > 1 else ""))
    for item, n in sorted(extra.items(), key=repr):
        lines.append(f"  unexpected (wrangler prints it, the model does not have it): {item!r}"
                     + (f" x{n}" if n > 1 else ""))
    return "\n".join(lines)
