"""validate never raises, whatever the bytes: hypothesis feeds it junk and near-manifests.

Every outcome must be a Result whose diagnostics are well-formed records (a known
code, a 1-based position inside the file, a one-line message, sorted), and the CLI
must answer any of them with exit 0 or 1 and no traceback. The inputs range from
random bytes, through TOML-ish token soup and mutations of the bundled
project.toml, to valid TOML documents built from the manifest's own key names,
structured manifests that get past the schema and into the rules, wrong types at
known paths, deep nesting and megabyte strings.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest
import tomllib
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from confgen import load, report
from confgen.cli import main
from confgen.diagnostics import CODES, Diagnostic
from confgen.schema import schema
from confgen.validate import Result, validate_text

REPO = Path(__file__).resolve().parent.parent
BUNDLED = (REPO / "project.toml").read_bytes()
FILE = "project.toml"

FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example, HealthCheck.filter_too_much],
)
FEW = settings(FUZZ, max_examples=15)


# -- the invariant ----------------------------------------------------------------------------

def check(raw: bytes, result: object) -> Result:
    """What every outcome of validate_text must look like."""
    assert isinstance(result, Result)
    assert isinstance(result.diagnostics, tuple)
    lines = raw.split(b"\n")
    for d in result.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES, d
        assert d.file == FILE
        assert type(d.line) is int and type(d.column) is int
        assert d.line >= 1 and d.column >= 1, d
        # inside the file: a column may point just past a line's end (a parser error at
        # the newline), never further; bytes bound characters, so this is loose for UTF-8
        assert d.line <= len(lines), (d, len(lines))
        assert d.column <= len(lines[d.line - 1]) + 1, (d, lines[d.line - 1][:200])
        assert isinstance(d.message, str) and d.message.strip(), d
        assert "\n" not in d.message and "\n" not in d.path, d  # one line per diagnostic
    assert list(result.diagnostics) == sorted(result.diagnostics)
    assert result.errors + result.warnings == len(result.diagnostics)
    if any(d.code == "CG001" for d in result.diagnostics):
        assert len(result.diagnostics) == 1 and result.project is None
    return result


def validate(raw: bytes) -> Result:
    return check(raw, validate_text(raw, FILE))


def formats_render(result: Result) -> None:
    """Every formatter accepts every diagnostic; the JSON ones parse back."""
    for name, formatter in report.FORMATTERS.items():
        out = formatter(result.diagnostics, color=False)
        assert isinstance(out, str)
        if name in ("json", "sarif"):
            json.loads(out)


# -- the manifest's own vocabulary ------------------------------------------------------------

def _schema_keys(node: object, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out.update(value)
            _schema_keys(value, out)
    elif isinstance(node, list):
        for value in node:
            _schema_keys(value, out)
    return out


WORKERS = ["gateway", "db", "auth", "schedule", "dispatcher", "api", "webhooks", "email"]
EXTERNAL = ["pipeline", "logger"]
ENVS = ["production", "staging", "development"]
KEY_NAMES = sorted(_schema_keys(schema(), set()) | {
    "project", "workers", "env", "services", "binding", "dispatch_namespaces", "namespace",
    "vars", "routes", "resources", "kv", "d1", "r2", "queues", "environments", "defaults",
    "router", "domains", "hosts", "paths", "namespace_bindings", "crons", "producers",
    "consumers", *WORKERS, *EXTERNAL, *ENVS, "default", "DB", "SERVICES", "sessions",
    "CRM_DISPATCH", "JWT_SECRET"})

KEYS = st.sampled_from(KEY_NAMES) | st.text(max_size=8)
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=20) \
    | st.sampled_from(['"', "\\", '"""', "'''", "\n", "\r\n", "\t", "\x00", "\x7f", "é☃𝄞",
                       'say \\"""', "*/", "#", "[workers.x]", "a = 1", "2025-10-01"])
TZ = st.none() | st.sampled_from([datetime.UTC,
                                  datetime.timezone(datetime.timedelta(hours=-8)),
                                  datetime.timezone(datetime.timedelta(hours=5, minutes=30))])
LEAVES = (TEXT | st.integers(min_value=-(2**63), max_value=2**63 - 1)
          | st.floats() | st.booleans() | st.dates() | st.datetimes(timezones=TZ) | st.times()
          | st.sampled_from(KEY_NAMES))
VALUES = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=6)


# -- a TOML writer with random style (headers, dotted keys, inline tables, string kinds) ------

_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def basic(s: str) -> str:
    out = []
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def multiline_basic(s: str, rng: random.Random) -> str:
    out: list[str] = []
    raw_quotes = 0  # unescaped quotes just written: never three in a row, none at the end
    for n, c in enumerate(s):
        if c == '"':
            if raw_quotes < 2 and n < len(s) - 1 and rng.random() < 0.5:
                out.append('"')
                raw_quotes += 1
            else:
                out.append('\\"')  # `\"""` inside the string: a naive scanner stops there
                raw_quotes = 0
            continue
        raw_quotes = 0
        if c == "\\":
            out.append("\\\\")
        elif c in "\n\t":
            out.append(c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"""' + "".join(out) + '"""'


def string(s: str, rng: random.Random, newlines: bool) -> str:
    roll = rng.random()
    if roll < 0.2 and "'" not in s and not _CONTROL.search(s):
        return "'" + s + "'"
    if roll < 0.35 and newlines and "'''" not in s and not s.endswith("'") \
            and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", s):
        return "'''" + s + "'''"
    if roll < 0.5 and newlines:
        return multiline_basic(s, rng)
    return basic(s)


def key(k: str, rng: random.Random) -> str:
    if _BARE.match(k) and rng.random() < 0.85:
        return k
    if "'" not in k and not _CONTROL.search(k) and rng.random() < 0.3:
        return "'" + k + "'"
    return basic(k)


def value(v: Any, rng: random.Random, newlines: bool = True) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        if v >= 0 and rng.random() < 0.2:
            return rng.choice([hex, oct, bin])(v)
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return rng.choice(["nan", "+nan", "-nan"])
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, str):
        return string(v, rng, newlines)
    if isinstance(v, list):
        items = [value(x, rng, newlines) for x in v]
        if newlines and items and rng.random() < 0.3:
            return "[\n" + "".join(f"  {x}, # item\n" for x in items) + "]"
        return "[" + ", ".join(items) + "]"
    assert isinstance(v, dict)
    if not v:
        return "{}"
    return "{ " + ", ".join(f"{key(k, rng)} = {value(x, rng, newlines)}"
                            for k, x in v.items()) + " }"


def dotted(prefix: list[str], table: dict[str, Any], rng: random.Random, out: list[str]) -> None:
    for k, v in table.items():
        keys = prefix + [key(k, rng)]
        if isinstance(v, dict) and v and rng.random() < 0.4:
            dotted(keys, v, rng, out)
        else:
            out.append(f"{'.'.join(keys)} = {value(v, rng)}")


def dump(table: dict[str, Any], rng: random.Random, path: tuple[str, ...] = (),
         out: list[str] | None = None) -> str:
    out = [] if out is None else out
    simple, tables, arrays = [], [], []
    for k, v in table.items():
        roll = rng.random()
        if isinstance(v, dict) and roll < 0.55:
            tables.append((k, v))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and roll < 0.55:
            arrays.append((k, v))
        else:
            simple.append((k, v))
    for k, v in simple:
        if isinstance(v, dict) and v and rng.random() < 0.3:
            dotted([key(k, rng)], v, rng, out)
        else:
            pad = rng.choice(["", "  ", "\t"])
            eq = rng.choice([" = ", "=", "   =  "])
            note = rng.choice(["", "", " # note"])
            out.append(f"{pad}{key(k, rng)}{eq}{value(v, rng)}{note}")
    for k, v in tables:
        keys = [key(p, rng) for p in path + (k,)]
        out.append(f"\n[{'.'.join(keys)}]{rng.choice(['', ' # table'])}")
        dump(v, rng, path + (k,), out)
    for k, items in arrays:
        for item in items:
            out.append(f"\n[[{'.'.join(key(p, rng) for p in path + (k,))}]]")
            dump(item, rng, path + (k,), out)
    return "\n".join(out) + "\n"


def render(doc: dict[str, Any], seed: int) -> bytes:
    text = dump(doc, random.Random(seed))
    tomllib.loads(text)  # the writer itself must produce valid TOML
    return text.encode("utf-8")


# -- structured manifests: past the schema, into the rules ------------------------------------

KV_IDS = ["48289a56146d470f97ca98401f30c7d7", "15adb090b53f43ae862a07a260bd4534", "BAD"]
UUIDS = ["62ce3520-96e8-4d9d-a37d-83e99d5319ab", "6eb2b6e7-5e8c-4ce6-bb63-7185e2dadc0e"]
BINDINGS = ["DB", "DATABASE", "SERVICES", "SESSIONS_KV", "CRM_DISPATCH", "JWT_SECRET",
            "LOG_LEVEL", "MAIL_QUEUE", "PRODUCTION", "ENVIRONMENT"]
TARGETS = WORKERS + EXTERNAL + ["nope"]
CRONS = ["*/5 * * * *", "0 * * * *", "0 0 * * 0", "@daily", "0 24 * * *", "0 18 * * 6L",
         "59 23 LW * *", "0 0 ? * *", "*/0 * * * *", "0 0 * * MON-FRI", ""]
ROUTES = ["api.do/*", "*.do/*", "db.apis.do/*", "*/*", "example.com:8080/*", "a*b.do/x",
          "do/*?q=1", {"pattern": "gateway.do", "custom_domain": True},
          {"pattern": "*.gateway.do/*", "custom_domain": True},
          {"pattern": "api.do/*", "zone_name": "do"}, {"pattern": "x.com/*", "zone_name": "do"}]
OUT_PATHS = ["workers/dispatcher/src/router_table.py", "workers/api/assets/domain-routes.json",
             "../outside.py", "/etc/x", "workers/gateway/wrangler.jsonc", "."]
RESOURCE_IDS = ["sessions", "cache", "mail", "nope"]


def pick(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


def optional(**keys: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=keys)


VARS = st.dictionaries(pick(BINDINGS + ["CLICKHOUSE_PASSWORD", "API_TOKEN", "bad-var"]),
                       st.text(max_size=6) | st.integers(0, 9) | st.booleans()
                       | st.just({"nested": [1, "two"]}), max_size=3)
SECRETS = st.lists(pick(BINDINGS + ["CLICKHOUSE_PASSWORD"]), unique=True, max_size=3)
SERVICE = st.fixed_dictionaries({"binding": pick(BINDINGS), "service": pick(TARGETS)},
                                optional={"entrypoint": pick(["DbService", "bad-entry"])})
KV = st.fixed_dictionaries({"resource": pick(RESOURCE_IDS)}, optional={"binding": pick(BINDINGS)}) \
    | st.fixed_dictionaries({"binding": pick(BINDINGS), "id": pick(KV_IDS)})
D1 = st.fixed_dictionaries({"resource": pick(RESOURCE_IDS)}, optional={"binding": pick(BINDINGS)}) \
    | st.fixed_dictionaries({"binding": pick(BINDINGS), "database_name": pick(["main"]),
                             "database_id": pick(UUIDS)})
QUEUES = optional(
    producers=st.lists(st.fixed_dictionaries({"resource": pick(RESOURCE_IDS)},
                                             optional={"binding": pick(BINDINGS)})
                       | st.fixed_dictionaries({"binding": pick(BINDINGS),
                                                "queue": pick(["dotdo-mail", "other"])}),
                       max_size=2),
    consumers=st.lists(st.fixed_dictionaries({"resource": pick(RESOURCE_IDS)},
                                             optional={"max_batch_size": st.integers(1, 100)})
                       | st.fixed_dictionaries({"queue": pick(["dotdo-mail", "other"])}),
                       max_size=2))
DISPATCH = st.fixed_dictionaries({"namespace": pick(["services", "crm", "nope"])},
                                 optional={"binding": pick(BINDINGS)})
SECTION: dict[str, st.SearchStrategy[Any]] = {
    "main": pick(["src/index.ts"]), "compatibility_date": pick(["2025-10-01"]),
    "compatibility_flags": st.lists(pick(["nodejs_compat", "python_workers"]), unique=True),
    "services": st.lists(SERVICE, max_size=3), "kv_namespaces": st.lists(KV, max_size=2),
    "d1_databases": st.lists(D1, max_size=2), "queues": QUEUES,
    "dispatch_namespaces": st.lists(DISPATCH, max_size=2), "vars": VARS, "secrets": SECRETS,
    "routes": st.lists(pick(ROUTES), max_size=2),
    "triggers": st.fixed_dictionaries({"crons": st.lists(pick(CRONS), max_size=3)}),
    "tail_consumers": st.lists(st.fixed_dictionaries({"service": pick(TARGETS)}), max_size=2),
    "observability": st.fixed_dictionaries({"enabled": st.booleans()}),
    "workers_dev": st.booleans(),
    # wrangler keys confgen copies (checked against wrangler's definition)
    "placement": st.one_of(st.fixed_dictionaries({"mode": pick(["smart", "off"])}), VALUES),
    "limits": st.fixed_dictionaries({"cpu_ms": st.integers(1, 1000)}),
    "ai": st.fixed_dictionaries({}, optional={"binding": pick(BINDINGS)}),
}
WORKER_ENV = optional(**SECTION, name=pick(["gateway-prod", "Bad"]))
WORKER = optional(
    **SECTION,
    deploy=pick(["standalone", "namespace"]), format=pick(["jsonc", "toml"]),
    path=pick(["workers/gateway", "workers/Gateway", "../outside", "/abs/w", ".", "a\\b", "w"]),
    env=st.dictionaries(pick(ENVS + ["prod"]), WORKER_ENV, max_size=2))
MANIFESTS = st.fixed_dictionaries(
    {"project": st.fixed_dictionaries(
        {"name": pick(["dotdo", "mauntic"])},
        optional={"compatibility_date": pick(["2025-10-01"]),
                  "external_services": st.lists(pick(EXTERNAL), unique=True),
                  "format": pick(["jsonc", "toml"]), "workers_dir": pick(["workers", "../w"]),
                  "account_id": pick(["b6641681fe423910342b9ffa1364c76d"])}),
     "workers": st.dictionaries(pick(WORKERS), WORKER, max_size=4)},
    optional={
        "defaults": optional(**SECTION, deploy=pick(["standalone", "namespace"])),
        "environments": st.dictionaries(pick(ENVS), optional(
            namespace=pick(["dotdo-production", "dotdo-staging"]), namespace_id=pick(UUIDS),
            vars=VARS), max_size=3),
        "dispatch_namespaces": st.dictionaries(pick(["services", "crm"]), st.fixed_dictionaries({
            "namespace": pick(["dotdo-production", "mauntic-crm"])
            | st.dictionaries(pick(ENVS + ["default", "prod"]), pick(["dotdo-production"]),
                              min_size=1),
            "binding": pick(BINDINGS)}), max_size=2),
        "resources": optional(
            kv=st.dictionaries(pick(RESOURCE_IDS[:3]), st.fixed_dictionaries(
                {"id": pick(KV_IDS)}, optional={
                    "binding": pick(BINDINGS),
                    "env": st.dictionaries(pick(ENVS + ["prod"]),
                                           st.fixed_dictionaries({"id": pick(KV_IDS)}))}),
                max_size=2),
            queues=st.dictionaries(pick(RESOURCE_IDS[:3]), st.fixed_dictionaries(
                {"queue": pick(["dotdo-mail", "other"])}, optional={"binding": pick(BINDINGS)}),
                max_size=2)),
        "router": st.fixed_dictionaries(
            {"worker": pick(TARGETS), "output": pick(OUT_PATHS)},
            optional={"default": pick(TARGETS), "root_domains": st.lists(pick(["do", "api.do"]),
                                                                         unique=True),
                      "hosts": st.dictionaries(pick(["gateway.do", "*.mcp.do", "DB.do", "db.do.",
                                                     "bad host", "*"]), pick(TARGETS), max_size=3),
                      "paths": st.dictionaries(pick(["/api/db/", "/api/db", "api", "/x/*"]),
                                               pick(TARGETS), max_size=2),
                      "namespace_bindings": st.dictionaries(pick(ENVS + ["prod"]),
                                                            pick(BINDINGS), max_size=2)}),
        "domains": st.fixed_dictionaries(
            {"worker": pick(TARGETS), "output": pick(OUT_PATHS)},
            optional={"routes": st.lists(st.fixed_dictionaries(
                {"domain": pick(["db.do", "*.myapp.do", "bad domain", "*.*.do", "db.do"]),
                 "service": pick(TARGETS)},
                optional={"binding": pick(BINDINGS), "requires_auth": st.booleans()}),
                max_size=3)}),
    })


# -- mutations of the bundled manifest --------------------------------------------------------

JUNK = st.sampled_from(["[", "]", "[[", "{", "}", "=", ",", ".", '"', "'", '"""', "\n", "#",
                        "\\", "\x00", "\xff", "é", "[workers.x]", "= =", "true", "2025-10-01",
                        "nan", "\r", "\t"]) | st.text(max_size=6)
MUTATION = st.one_of(
    st.tuples(st.just("delete_line"), st.integers(0, 10_000)),
    st.tuples(st.just("duplicate_line"), st.integers(0, 10_000)),
    st.tuples(st.just("swap_lines"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("swap_chars"), st.integers(0, 100_000)),
    st.tuples(st.just("insert"), st.integers(0, 100_000), JUNK),
    st.tuples(st.just("delete_span"), st.integers(0, 100_000), st.integers(1, 40)),
    st.tuples(st.just("raw_byte"), st.integers(0, 100_000), st.integers(0, 255)),
)


def mutate(raw: bytes, mutations: list[tuple[Any, ...]]) -> bytes:
    for op, *args in mutations:
        if op in ("delete_line", "duplicate_line", "swap_lines"):
            lines = raw.split(b"\n")
            i = args[0] % len(lines)
            if op == "delete_line":
                del lines[i]
            elif op == "duplicate_line":
                lines.insert(i, lines[i])
            else:
                j = args[1] % len(lines)
                lines[i], lines[j] = lines[j], lines[i]
            raw = b"\n".join(lines)
        elif op == "swap_chars" and len(raw) > 1:
            i = args[0] % (len(raw) - 1)
            raw = raw[:i] + raw[i + 1:i + 2] + raw[i:i + 1] + raw[i + 2:]
        elif op == "insert":
            i = args[0] % (len(raw) + 1)
            raw = raw[:i] + args[1].encode("utf-8", "surrogatepass") + raw[i:]
        elif op == "delete_span" and raw:
            i = args[0] % len(raw)
            raw = raw[:i] + raw[i + args[1]:]
        elif op == "raw_byte":
            i = args[0] % (len(raw) + 1)
            raw = raw[:i] + bytes([args[1]]) + raw[i:]
    return raw


# -- wrong types and missing tables at known paths --------------------------------------------

def key_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += key_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += key_paths(v, path + (i,))
    return out


BUNDLED_DATA = tomllib.loads(BUNDLED.decode("utf-8"))
BUNDLED_PATHS = key_paths(BUNDLED_DATA)


def replaced(data: Any, path: tuple[Any, ...], new: Any, delete: bool) -> Any:
    """A copy of data with the value at path replaced (or removed)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if delete and not rest:
            del copy[head]
        else:
            copy[head] = replaced(data[head], rest, new, delete)
        return copy
    items = list(data)
    if delete and not rest:
        del items[head]
    else:
        items[head] = replaced(data[head], rest, new, delete)
    return items


# -- the properties ---------------------------------------------------------------------------

@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    validate(raw)


@FUZZ
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_bytes_around_a_valid_manifest(before: bytes, after: bytes) -> None:
    validate(before + BUNDLED + after)


TOKENS = st.sampled_from(["[", "]", "[[", "]]", "{", "}", " = ", "=", ",", ".", '"', "'", '"""',
                          "'''", "\n", " ", "\t", "#", "\\", "\\u00e9", "\\U0001F600", "true",
                          "false", "1", "-0", "0x1F", "1.5", "1e9", "nan", "-inf",
                          "2025-10-01", "07:32:00", "1979-05-27T07:32:00Z", "\r\n", "\ufeff"]) \
    | st.sampled_from(KEY_NAMES) | st.text(max_size=4)


@FUZZ
@given(st.lists(TOKENS, max_size=80))
def test_tomlish_token_soup(tokens: list[str]) -> None:
    validate("".join(tokens).encode("utf-8", "surrogatepass"))


LINE = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", st.lists(KEYS.map(lambda k: key(k, random.Random(0))),
                                                 min_size=1, max_size=3).map(".".join),
              st.sampled_from(['"x"', "1", "true", "[]", "{}", '["a", 1]', "{ a = 1 }",
                               '"""\nx\n"""', "'lit'", "2025-10-01", '{ binding = "DB" }'])),
    st.builds(lambda k: f"[{k}]", st.lists(st.sampled_from(KEY_NAMES), min_size=1,
                                           max_size=4).map(".".join)),
    st.builds(lambda k: f"[[{k}]]", st.lists(st.sampled_from(KEY_NAMES), min_size=1,
                                             max_size=4).map(".".join)),
    st.just(""), st.just("# comment"))


@FUZZ
@given(st.lists(LINE, max_size=30))
def test_tomlish_lines(lines: list[str]) -> None:
    validate("\n".join(lines).encode("utf-8", "surrogatepass"))


def _read(parser: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", repr(parser.loads(text))  # repr: nan equals nan, 1 differs from 1.0
    except parser.TOMLDecodeError as exc:
        return "error", str(exc)


@FUZZ
@given(st.one_of(st.lists(TOKENS, max_size=80).map("".join),
                 st.lists(LINE, max_size=30).map("\n".join)))
def test_confgen_reads_toml_as_the_standard_library_does(text: str) -> None:
    """confgen parses with compiled tomli (confgen.compat): same values, same errors."""
    from confgen.compat import tomllib as used

    assert used is not tomllib  # otherwise this proves nothing
    assert _read(used, text) == _read(tomllib, text)


@FUZZ
@given(st.lists(MUTATION, min_size=1, max_size=6))
def test_mutated_bundled_manifest(mutations: list[tuple[Any, ...]]) -> None:
    validate(mutate(BUNDLED, mutations))


@FUZZ
@given(DOCUMENTS, st.integers(0, 2**32))
def test_valid_toml_documents_of_manifest_keys(doc: dict[str, Any], seed: int) -> None:
    validate(render(doc, seed))


def dict_key_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [p for p in key_paths(node, path) if isinstance(p[-1], str)]


@FUZZ
@given(DOCUMENTS, st.integers(0, 2**32))
def test_source_map_points_at_every_key(doc: dict[str, Any], seed: int) -> None:
    """Every key of a valid document is located, at the place where it is written."""
    raw = render(doc, seed)
    loaded = load.parse(raw, FILE, Path("."))
    assert isinstance(loaded, load.Loaded)
    lines = loaded.text.split("\n")
    for path in dict_key_paths(loaded.data):
        assert path in loaded.positions, path
        line, column = loaded.positions.locate(path)
        at = lines[line - 1][column - 1:]
        assert at.startswith(path[-1]) or at[:1] in ("'", '"'), (path, line, column, at[:40])


@FUZZ
@given(st.fixed_dictionaries({"project": st.dictionaries(KEYS, VALUES, max_size=4),
                              "workers": st.dictionaries(KEYS, VALUES, max_size=3)},
                             optional={"defaults": VALUES, "environments": VALUES,
                                       "dispatch_namespaces": VALUES, "resources": VALUES}),
       st.integers(0, 2**32))
def test_manifest_shaped_documents(doc: dict[str, Any], seed: int) -> None:
    validate(render(doc, seed))


@settings(FUZZ, max_examples=150)
@given(MANIFESTS, st.integers(0, 2**32))
def test_structured_manifests_reach_the_rules(doc: dict[str, Any], seed: int) -> None:
    result = validate(render(doc, seed))
    schema_codes = {"CG101", "CG102", "CG103", "CG104"}
    if not any(d.code in schema_codes for d in result.diagnostics):
        assert result.project is not None


@FUZZ
@given(st.sampled_from(BUNDLED_PATHS), VALUES, st.booleans(), st.integers(0, 2**32))
def test_wrong_type_or_missing_at_a_known_path(path: tuple[Any, ...], new: Any, delete: bool,
                                              seed: int) -> None:
    original: Any = BUNDLED_DATA
    for part in path:
        original = original[part]
    assume(delete or type(new) is not type(original))
    validate(render(replaced(BUNDLED_DATA, path, new, delete), seed))


@FUZZ
@given(st.sampled_from(sorted(BUNDLED_DATA)), st.integers(0, 2**32))
def test_missing_top_level_table(table: str, seed: int) -> None:
    validate(render({k: v for k, v in BUNDLED_DATA.items() if k != table}, seed))


# -- deep nesting and huge values -------------------------------------------------------------

HEAD = (b'[project]\nname = "dotdo"\ncompatibility_date = "2025-10-01"\n\n'
        b'[workers.gateway]\nmain = "src/index.ts"\n')


@pytest.mark.parametrize("depth", [50, 500, 5000])
@pytest.mark.parametrize("where", ["top", "unsafe", "vars"])
def test_deeply_nested_arrays(depth: int, where: str) -> None:
    nested = b"[" * depth + b"]" * depth
    raw = {"top": b"deep = " + nested + b"\n",
           "unsafe": HEAD + b"unsafe = { metadata = { deep = " + nested + b" } }\n",
           "vars": HEAD + b"vars = { DEEP = " + nested + b" }\n"}[where]
    validate(raw)


@pytest.mark.parametrize("depth", [50, 500, 5000])
def test_deeply_nested_inline_tables(depth: int) -> None:
    validate(HEAD + b"unsafe = { metadata = " + b"{ a = " * depth + b"1" + b" }" * depth
             + b" }\n")


@pytest.mark.parametrize("depth", [50, 500])
def test_deeply_nested_table_headers(depth: int) -> None:
    validate(HEAD + b"[workers.gateway.wrangler." + b".".join([b"a"] * depth) + b"]\nx = 1\n")


MB = 1_000_000


@pytest.mark.parametrize("raw", [
    HEAD + b'vars = { BIG = "' + b"x" * MB + b'" }\n',
    HEAD + b'vars = { BIG = """' + b"line \\\"\n" * (MB // 8) + b'""" }\n',
    HEAD + b'vars = { "' + b"K" * MB + b'" = 1 }\n',
    HEAD + b'vars = { "' + b"-" * MB + b'" = 1 }\n',
    HEAD + b'main2 = "' + b"\xc3\xa9" * (MB // 2) + b'"\n',
    HEAD + b"routes = [\"" + b"a" * MB + b"\"]\n",
    HEAD + b'triggers = { crons = ["' + b"1," * (MB // 2) + b'1 * * * *"] }\n',
    b'[project]\nname = "' + b"a" * MB + b'"\n',
    b"#" + b"c" * MB + b"\n" + HEAD,
    b"\n" * MB + HEAD + b"bad = 1\n",
    b'x = "' + b"y" * MB,
    bytes(range(256)) * (MB // 256),
], ids=["var", "multiline-var", "key", "bad-key", "non-ascii", "route", "cron", "name",
        "comment", "many-lines", "unterminated", "binary"])
def test_huge_inputs(raw: bytes) -> None:
    validate(raw)


# -- known hard cases (each was a bug once, or is one) ----------------------------------------

def test_escaped_quotes_closing_a_multiline_string() -> None:
    raw = HEAD + b'vars = { BANNER = """say \\"""\n""" }\n'
    assert tomllib.loads(raw.decode())["workers"]["gateway"]["vars"]["BANNER"] == 'say """\n'
    assert validate(raw).diagnostics == ()


def test_escaped_quotes_do_not_shift_later_positions() -> None:
    # the string's text looks like a table header; the real header is on line 11
    raw = HEAD + (b'[workers.gateway.vars]\n'
                  b'A = """x\\"""\n'
                  b'[workers.gateway.env.prod]\n'
                  b'"""\n'
                  b'[workers.gateway.env.prod]\n'
                  b'main = """z"""\n'
                  b'compatibility_date = """2025-10-01"""\n')
    assert tomllib.loads(raw.decode())["workers"]["gateway"]["vars"]["A"].startswith('x"""\n[')
    codes = {(d.code, d.line, d.column) for d in validate(raw).diagnostics}
    assert codes == {("CG206", 11, 22)}


def test_non_utf8_column_counts_characters_like_the_parser() -> None:
    # 'name = "café' is 12 characters (13 bytes): the bad byte is the 13th character
    result = validate(b'[project]\nname = "caf\xc3\xa9\xff"\n')
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("CG001", 2, 13)]


# -- the command line -------------------------------------------------------------------------

def run_cli(manifest: Path, *args: str) -> None:
    outcome = CliRunner().invoke(main, ["validate", "--manifest", str(manifest), *args])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), \
        outcome.exception
    assert outcome.exit_code in (0, 1), outcome.output
    assert "Traceback" not in outcome.output
    if "--format" in args and args[args.index("--format") + 1] in ("json", "sarif"):
        json.loads(outcome.stdout)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "project.toml"


@FEW
@given(st.one_of(st.binary(max_size=500),
                 st.lists(MUTATION, min_size=1, max_size=4).map(lambda m: mutate(BUNDLED, m)),
                 st.tuples(MANIFESTS, st.integers(0, 2**32)).map(lambda a: render(*a))),
       st.sampled_from(sorted(report.FORMATTERS)), st.booleans())
def test_cli_never_prints_a_traceback(scratch: Path, raw: bytes, fmt: str, strict: bool) -> None:
    scratch.write_bytes(raw)
    run_cli(scratch, "--format", fmt, *(["--strict"] if strict else []))
    formats_render(validate(raw))


@pytest.mark.parametrize("raw", [
    b"", b"\xff\xfe", b"\xef\xbb\xbf", BUNDLED, HEAD + b"deep = " + b"[" * 500 + b"]" * 500,
    HEAD + b'vars = { BANNER = """say \\"""\n""" }\n',
], ids=["empty", "utf16-bom", "utf8-bom", "bundled", "deep", "escaped-multiline"])
def test_cli_on_hard_inputs(tmp_path: Path, raw: bytes) -> None:
    manifest = tmp_path / "project.toml"
    manifest.write_bytes(raw)
    run_cli(manifest)
    run_cli(manifest, "--format", "json")
