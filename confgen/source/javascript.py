"""TypeScript, TSX and JavaScript: binding uses, exported classes and the default export.

Parsed with tree-sitter (its TypeScript, TSX and JavaScript grammars, from PyPI as
wheels). The walk keeps a stack of scopes so that an alias of `env` (a renamed
handler parameter, `const e = env`, a parameter typed `Env`) is followed where it
is visible and a parameter of the same name elsewhere (`catch (e)`) is not.
"""

from __future__ import annotations

from confgen.source.facts import FileFacts, Loc
from confgen.source.js_exports import ModuleLevel
from confgen.source.js_syntax import (
    FUNCTIONS,
    Node,
    grammar_for,
    parser,
    string_value,
    text,
    unwrap,
)

__all__ = ["grammar_for", "parser", "scan"]
BASE_NEEDLES = (b"env", b"Env", b"import", b"require")
# Calls that read every binding of an object passed to them.
WHOLE_ENV = frozenset({"Object.keys", "Object.values", "Object.entries", "Object.assign",
                       "JSON.stringify", "structuredClone"})


class _Scanner(ModuleLevel):
    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        self.facts = FileFacts(path)
        self.handler_fns: set[int] = set()  # functions whose 2nd parameter is env
        self.handler_spans: list[tuple[int, int]] = []  # their byte ranges
        self.lines = source.split(b"\n")

    def loc(self, node: Node) -> Loc:
        row, col = node.start_point
        line = self.lines[row] if row < len(self.lines) else b""
        return Loc(self.path, row + 1, len(line[:col].decode("utf-8", "replace")) + 1)

    # -- the top level: exports, classes, the default export, imports -------------------

    def relevant(self, start: int, end: int, needles: tuple[bytes, ...]) -> bool:
        """Whether a subtree can use env: it names env or an alias, or holds a handler."""
        source = self.source
        return any(source.find(n, start, end) >= 0 for n in needles) or any(
            start <= s and e <= end for s, e in self.handler_spans)

    # -- the walk: env aliases and binding uses ----------------------------------------

    def walk(self, root: Node) -> None:
        scopes: list[dict[str, bool]] = [{"env": True}]
        # A subtree whose text holds none of these cannot use env: it is skipped (the
        # walk is the scan's main cost). Aliases of env in scope join the list.
        needles: list[tuple[bytes, ...]] = [BASE_NEEDLES]
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                scopes.pop()
                needles.pop()
                continue
            if not self.relevant(node.start_byte, node.end_byte, needles[-1]):
                continue
            kind = node.type
            children = node.named_children
            if kind in FUNCTIONS:
                scope = self.parameters(node, scopes)
                scopes.append(scope)
                needles.append(needles[-1] + tuple(n.encode() for n, v in scope.items() if v))
                stack.append((node, True))
                body = node.child_by_field_name("body")
                children = [body] if body is not None else []
            elif kind == "catch_clause":
                param = node.child_by_field_name("parameter")
                scopes.append({text(param): False} if param is not None
                              and param.type == "identifier" else {})
                needles.append(needles[-1])
                stack.append((node, True))
            elif kind == "variable_declarator":
                added = self.declarator(node, scopes)
                if added:
                    needles[-1] += tuple(n.encode() for n in added)
            elif kind == "member_expression":
                obj = self.env_kind(node.child_by_field_name("object"), scopes)
                prop = node.child_by_field_name("property")
                if obj is not None and prop is not None and prop.type == "property_identifier":
                    self.use(text(prop), prop, obj)
            elif kind == "subscript_expression":
                obj = self.env_kind(node.child_by_field_name("object"), scopes)
                if obj is not None:
                    index = unwrap(node.child_by_field_name("index"))
                    name = string_value(index)
                    if name is not None and index is not None:
                        self.use(name, index, obj)
                    elif index is not None and index.type != "number":
                        self.facts.dynamic.append(self.loc(node))
            elif kind == "call_expression":
                self.call(node, scopes)
            elif kind == "spread_element" and node.named_children \
                    and self.env_kind(node.named_children[0], scopes) == "env":
                self.facts.dynamic.append(self.loc(node))  # { ...env }: every binding
            stack.extend((c, False) for c in reversed(children))

    def use(self, name: str, node: Node, kind: str) -> None:
        (self.facts.process_uses if kind == "process" else self.facts.uses).append(
            (name, self.loc(node)))

    def env_kind(self, node: Node | None, scopes: list[dict[str, bool]]) -> str | None:
        """"env" when the expression is the worker's env, "process" for process.env."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            name = text(node)
            for scope in reversed(scopes):
                if name in scope:
                    return "env" if scope[name] else None
            return None
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is not None and text(prop) == "env":
                obj = unwrap(node.child_by_field_name("object"))
                if obj is not None and text(obj) == "process":
                    return "process"
                return "env"
        return None

    def parameters(self, fn: Node, scopes: list[dict[str, bool]]) -> dict[str, bool]:
        scope: dict[str, bool] = {}
        params = fn.child_by_field_name("parameters")
        items = params.named_children if params is not None else []
        single = fn.child_by_field_name("parameter")
        if single is not None:
            items = [single]
        items = [p for p in items if p.type not in ("comment", "this")]
        for i, param in enumerate(items):
            pattern = param.child_by_field_name("pattern") or param
            if pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left") or pattern
            typ = param.child_by_field_name("type")
            typed_env = typ is not None and text(typ).lstrip(": ").split("<")[0].endswith("Env")
            is_env = typed_env or (i == 1 and fn.id in self.handler_fns)
            if pattern.type == "identifier":
                scope[text(pattern)] = is_env
            elif pattern.type == "object_pattern" and is_env:
                self.destructure(pattern, scope)
        return scope

    def declarator(self, node: Node, scopes: list[dict[str, bool]]) -> list[str]:
        """Record what a declaration binds; returns the new aliases of env."""
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return []
        kind = self.env_kind(value, scopes) if value is not None else None
        if name.type == "identifier":
            scopes[-1][text(name)] = kind == "env"
            return [text(name)] if kind == "env" else []
        added: list[str] = []
        if name.type == "object_pattern" and kind is not None:
            self.destructure(name, scopes[-1], kind)
        elif name.type == "object_pattern":  # `const { env } = c`, `{ env: e } = this`
            for part in name.named_children:
                if part.type == "shorthand_property_identifier_pattern" \
                        and text(part) == "env":
                    scopes[-1]["env"] = True
                elif part.type == "pair_pattern":
                    key, val = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if key is not None and val is not None and text(key) == "env" \
                            and val.type == "identifier":
                        scopes[-1][text(val)] = True
                        added.append(text(val))
        return added

    def destructure(self, pattern: Node, scope: dict[str, bool], kind: str = "env") -> None:
        """`{ A, B = 1, C: c, ...rest }` taken from env: A, B and C are uses."""
        for part in pattern.named_children:
            target = part
            if part.type == "object_assignment_pattern":
                target = part.child_by_field_name("left") or part
            if target.type == "shorthand_property_identifier_pattern":
                self.use(text(target), target, kind)
                scope[text(target)] = False
            elif part.type == "pair_pattern":
                key = part.child_by_field_name("key")
                if key is None:
                    continue
                name = string_value(key) if key.type == "string" else text(key)
                if name is not None:
                    self.use(name, key, kind)
            elif part.type == "rest_pattern":
                self.facts.dynamic.append(self.loc(part))

    def call(self, node: Node, scopes: list[dict[str, bool]]) -> None:
        """`import("./x")` and `require("./x")` with a constant path are imports too;
        Object.keys(env), JSON.stringify(env), ... reach every binding (dynamic)."""
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None:
            return
        if text(fn) in WHOLE_ENV and any(self.env_kind(a, scopes) == "env"
                                          for a in args.named_children):
            self.facts.dynamic.append(self.loc(node))
            return
        if text(fn) not in ("import", "require"):
            return
        first = args.named_children[0] if args.named_children else None
        spec = string_value(first)
        if spec is not None:
            self.facts.imports.append(spec)


def scan(path: str, source: bytes) -> FileFacts:
    tree = parser(grammar_for(path)).parse(source)
    scanner = _Scanner(path, source)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        scanner.facts.error = (scanner.loc(bad), "syntax error")
        return scanner.facts
    scanner.top_level(root)
    scanner.walk(root)
    return scanner.facts


def _first_error(node: Node) -> Node:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            return n
        stack.extend(reversed([c for c in n.children if c.has_error or c.is_missing]))
    return node
