"""Read back a `worker-configuration.d.ts` that confgen wrote, without a TypeScript parser.

`envtypes.parse_back` proves each Env file before it is written by parsing it with
tree-sitter's TypeScript grammar, which was the largest cost of a fresh generate at scale
(about a second of CPU for 1,000 workers). This reader accepts only a strict subset of
TypeScript, line by line, in the nesting the template writes (templates/
worker-configuration.d.ts.j2): each accepted line is valid TypeScript where it stands, and
the interfaces it returns are exactly what `envtypes.parse_back_tree_sitter` returns for the
same text (`tests/test_dts_fast.py` checks both on every golden tree and on generated Env
files). Anything else, even a valid declaration, returns None and goes to tree-sitter: this
reader may refuse, never disagree.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from confgen.envtypes import bare

_IDENT = r"[A-Za-z_$][A-Za-z0-9_$]*"
# A JSON string: every JSON escape is a TypeScript escape with the same meaning, and no
# line terminator of JavaScript (LF, CR, U+2028, U+2029) may stand in it raw here.
_JSTR = r'"(?:[^"\\\x00-\x1f\u2028\u2029]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
_MODULE = r'"[^"\\\x00-\x1f\u2028\u2029]*"'  # import("./src/index"): written raw, no escape
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_IMPORTED = rf"import\({_MODULE}\)\.{_IDENT}"
_ATOM = (rf"(?:{_IDENT}(?:\.{_IDENT})*|{_JSTR}|{_NUMBER}"
         rf"|{_IDENT}<(?:typeof )?{_IMPORTED}>"
         rf"|Workflow<Parameters<{_IMPORTED}\['run'\]>\[0\]\['payload'\]>)"
         r"(?: /\*[^*\n\r\u2028\u2029]*\*/)?")
_MEMBER = re.compile(rf"(\t+)({_IDENT}|{_JSTR})(\??): ({_ATOM}(?: \| {_ATOM})*);")
_OPEN_INTERFACE = re.compile(rf"(\t*)interface ({_IDENT}) \{{")
_EXTENDS_BASE = re.compile(r"\t?interface Env extends __BaseEnv_Env \{\}")
_PROCESS_ENV = re.compile(rf"\tinterface ProcessEnv extends StringifyValues<Pick<Cloudflare\.Env, "
                          rf"{_JSTR}(?: \| {_JSTR})*>> \{{\}}")
_MAIN_MODULE = re.compile(rf"\t\tmainModule: typeof import\({_MODULE}\);")
_COMMENT_LINE = re.compile(r"//[^\r\u2028\u2029]*")
_MODULE_OPEN = re.compile(rf"declare module {_JSTR} \{{")
_MODULE_BODY = frozenset({"\tconst value: string;", "\tconst value: ArrayBuffer;",
                          "\tconst value: WebAssembly.Module;", "\texport default value;"})
_STRINGIFY = ("type StringifyValues<EnvType extends Record<string, unknown>> = {",
              ("\t[Binding in keyof EnvType]: EnvType[Binding] extends string ? "
               "EnvType[Binding] : string;"),
              "};")


@lru_cache(maxsize=4096)  # a fleet's Env files repeat the same member lines (bounded)
def _member(line: str) -> tuple[int, str, bool, str] | None:
    """(depth, name, optional, type without comments) of a member line, or None."""
    member = _MEMBER.fullmatch(line)
    if member is None:
        return None
    key = member.group(2)
    return (len(member.group(1)), json.loads(key) if key.startswith('"') else key,
            member.group(3) == "?", bare(member.group(4)))


def read(text: str) -> dict[str, list[list[Any]]] | None:
    """interface -> [[name, optional, type]] for the Env interfaces (a name ending in Env,
    no `extends`), or None when the text is not in the subset this reader knows."""
    out: dict[str, list[list[Any]]] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    stack: list[str] = []  # "namespace", "module", or "interface"
    rows: list[list[Any]] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        top = stack[-1] if stack else ""
        if top == "interface":
            depth = len(stack)  # members are indented one tab deeper than the interface
            if line == "\t" * (depth - 1) + "}":
                stack.pop()
                rows = None
                continue
            if rows is None and stack[:-1] == ["namespace"] and _MAIN_MODULE.fullmatch(line):
                continue  # GlobalProps' only member
            member = _member(line)
            if member is None or member[0] != depth:
                return None
            if rows is not None:
                rows.append(list(member[1:]))
            continue
        if top == "module":
            if line == "}":
                stack.pop()
            elif line not in _MODULE_BODY:
                return None
            continue
        opened = _OPEN_INTERFACE.fullmatch(line)
        if opened is not None and len(opened.group(1)) == len(stack):
            label = opened.group(2)
            stack.append("interface")
            rows = None
            if label.endswith("Env"):
                if label in out:
                    return None  # tree-sitter's walk keeps one of the two: not decided here
                rows = out[label] = []
            continue
        if top == "namespace":
            if line == "}":
                stack.pop()
            elif not (_EXTENDS_BASE.fullmatch(line) or _PROCESS_ENV.fullmatch(line)):
                return None
            continue
        # the top level
        if line in ("declare namespace Cloudflare {", "declare namespace NodeJS {"):
            stack.append("namespace")
        elif line.startswith("declare module ") and _MODULE_OPEN.fullmatch(line):
            stack.append("module")
        elif line == _STRINGIFY[0] and tuple(lines[i - 1:i + 2]) == _STRINGIFY:
            i += 2
        elif not (line == "/* eslint-disable */" or line == "interface Env extends "
                  "__BaseEnv_Env {}" or _COMMENT_LINE.fullmatch(line)):
            return None
    return out if not stack else None
