"""TypeScript, TSX and JavaScript: binding uses, exported classes and the default export.

Parsed with tree-sitter (its TypeScript, TSX and JavaScript grammars, from PyPI as
wheels). The walk keeps a stack of scopes so that an alias of `env` (a renamed
handler parameter, `const e = env`, a parameter typed `Env`) is followed where it
is visible and a parameter of the same name elsewhere (`catch (e)`) is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from confgen.source.facts import HANDLERS, ClassDef, Default, FileFacts, Loc

Node = tree_sitter.Node
FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function",
                       "method_definition", "generator_function_declaration",
                       "generator_function", "function"})
CLASSES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
WRAPPERS = frozenset({"parenthesized_expression", "non_null_expression", "as_expression",
                      "satisfies_expression", "type_assertion", "await_expression"})
ENTRY_BASES = frozenset({"DurableObject", "WorkerEntrypoint", "WorkflowEntrypoint"})
BASE_NEEDLES = (b"env", b"Env", b"import", b"require")


@cache
def _parser(grammar: str) -> tree_sitter.Parser:
    language = {"typescript": tree_sitter_typescript.language_typescript,
                "tsx": tree_sitter_typescript.language_tsx,
                "javascript": tree_sitter_javascript.language}[grammar]()
    return tree_sitter.Parser(tree_sitter.Language(language))


def parse_typescript(source: bytes) -> tree_sitter.Tree:
    return _parser("typescript").parse(source)


def grammar_for(path: str) -> str:
    if path.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    if path.endswith(".tsx"):
        return "tsx"
    return "javascript"


def unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


def string_value(node: Node | None) -> str | None:
    """The value of a string literal (or a template without substitutions)."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    if any(c.type == "template_substitution" for c in node.named_children):
        return None
    text = _text(node)
    return text[1:-1] if len(text) >= 2 else None


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


class _Scanner:
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

    def top_level(self, program: Node) -> None:
        declared: dict[str, Node] = {}
        for node in program.named_children:
            decl = node.child_by_field_name("declaration") if node.type == "export_statement" \
                else node
            if decl is None:
                continue
            if decl.type in CLASSES:
                self.add_class(decl)
            if decl.type in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    name = d.child_by_field_name("name")
                    if d.type == "variable_declarator" and name is not None:
                        declared[_text(name)] = d
            if decl.type in ("function_declaration", "generator_function_declaration"):
                name = decl.child_by_field_name("name")
                if name is not None:
                    declared[_text(name)] = decl
        for node in program.named_children:
            if node.type == "import_statement":
                self.import_statement(node)
            elif node.type == "export_statement":
                self.export_statement(node, declared)

    def add_class(self, node: Node) -> ClassDef:
        name_node = node.child_by_field_name("name")
        name = _text(name_node) if name_node is not None else "default"
        base = None
        for child in node.named_children:
            if child.type == "class_heritage":
                value = child
                for part in child.named_children:
                    value = part.child_by_field_name("value") or part.named_children[0] \
                        if part.type == "extends_clause" and part.named_children else part
                    break
                base = _base_name(value)
        body = node.child_by_field_name("body")
        methods = frozenset(_text(n) for m in (body.named_children if body else ())
                            if m.type == "method_definition"
                            and (n := m.child_by_field_name("name")) is not None)
        found = ClassDef(name, base, self.loc(name_node or node), methods)
        if name_node is not None:
            self.facts.classes[name] = found
        if base in ENTRY_BASES and body is not None:
            for m in body.named_children:
                n = m.child_by_field_name("name")
                if m.type == "method_definition" and n is not None and _text(n) == "constructor":
                    self.mark_handler(m)
        return found

    def mark_handler(self, fn: Node) -> None:
        self.handler_fns.add(fn.id)
        self.handler_spans.append((fn.start_byte, fn.end_byte))

    def relevant(self, start: int, end: int, needles: tuple[bytes, ...]) -> bool:
        """Whether a subtree can use env: it names env or an alias, or holds a handler."""
        source = self.source
        return any(source.find(n, start, end) >= 0 for n in needles) or any(
            start <= s and e <= end for s, e in self.handler_spans)

    def import_statement(self, node: Node) -> None:
        spec = string_value(node.child_by_field_name("source"))
        if spec is None:
            return
        self.facts.imports.append(spec)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.facts.imported[_text(part)] = ("default", spec)
                elif part.type == "named_imports":
                    for s in part.named_children:
                        name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                        if s.type == "import_specifier" and name is not None:
                            self.facts.imported[_text(alias or name)] = (_text(name), spec)

    def export_statement(self, node: Node, declared: dict[str, Node]) -> None:
        source = string_value(node.child_by_field_name("source"))
        if source is not None:
            self.facts.imports.append(source)
        is_default = any(c.type == "default" for c in node.children)
        decl = node.child_by_field_name("declaration")
        value = unwrap(node.child_by_field_name("value"))
        if is_default:
            self.default_export(node, decl or value, declared)
            return
        if decl is not None and decl.type in CLASSES:
            name = decl.child_by_field_name("name")
            if name is not None:
                self.facts.exports[_text(name)] = _text(name)
            return
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is None:
            if source is not None and any(c.type == "*" for c in node.children):
                self.facts.star_exports.append(source)
            return
        for s in clause.named_children:
            name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
            if s.type != "export_specifier" or name is None:
                continue
            exported = _text(alias or name)
            if source is not None:
                self.facts.reexports.append((exported, _text(name), source))
            elif exported == "default":
                self.default_export(node, name, declared)
            else:
                self.facts.exports[exported] = _text(name)

    def default_export(self, node: Node, value: Node | None,
                       declared: dict[str, Node]) -> None:
        value = unwrap(value)
        where = self.loc(node)
        if value is not None and value.type == "identifier":
            name = _text(value)
            if name in self.facts.classes:
                c = self.facts.classes[name]
                self.facts.default = Default(where, c.methods & set(HANDLERS), c.base)
                return
            target = declared.get(name)
            if target is not None and target.type == "variable_declarator":
                value = unwrap(target.child_by_field_name("value"))
            elif name in self.facts.imported:
                self.facts.default = Default(where, None)
                return
        if value is None:
            self.facts.default = Default(where, None)
        elif value.type in CLASSES:
            c = self.add_class(value)
            self.facts.default = Default(where, c.methods & set(HANDLERS), c.base)
        elif value.type == "object":
            self.facts.default = Default(where, frozenset(self.handler_members(value, declared)))
        elif value.type == "new_expression":  # a router object (Hono, itty-router): fetch
            self.facts.default = Default(where, frozenset({"fetch"}))
        else:
            self.facts.default = Default(where, None)

    def handler_members(self, obj: Node, declared: dict[str, Node]) -> Iterator[str]:
        for member in obj.named_children:
            key = member.child_by_field_name("name") or member.child_by_field_name("key")
            name = _text(key) if key is not None else _text(member)
            if member.type == "shorthand_property_identifier":
                target = declared.get(name)
                if target is not None and target.type in FUNCTIONS | {
                        "function_declaration", "generator_function_declaration"}:
                    self.mark_handler(target)
                elif target is not None:
                    fn = unwrap(target.child_by_field_name("value"))
                    if fn is not None:
                        self.mark_handler(fn)
            elif member.type == "pair":
                fn = unwrap(member.child_by_field_name("value"))
                if fn is not None:
                    self.mark_handler(fn)
            elif member.type == "method_definition":
                self.mark_handler(member)
            else:
                continue
            if key is not None and key.type == "string":
                name = string_value(key) or name
            if name in HANDLERS:
                yield name

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
                scopes.append({_text(param): False} if param is not None
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
                    self.use(_text(prop), prop, obj)
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
                self.call(node)
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
            name = _text(node)
            for scope in reversed(scopes):
                if name in scope:
                    return "env" if scope[name] else None
            return None
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is not None and _text(prop) == "env":
                obj = unwrap(node.child_by_field_name("object"))
                if obj is not None and _text(obj) == "process":
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
            typed_env = typ is not None and _text(typ).lstrip(": ").split("<")[0].endswith("Env")
            is_env = typed_env or (i == 1 and fn.id in self.handler_fns)
            if pattern.type == "identifier":
                scope[_text(pattern)] = is_env
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
            scopes[-1][_text(name)] = kind == "env"
            return [_text(name)] if kind == "env" else []
        added: list[str] = []
        if name.type == "object_pattern" and kind is not None:
            self.destructure(name, scopes[-1], kind)
        elif name.type == "object_pattern":  # `const { env } = c`, `{ env: e } = this`
            for part in name.named_children:
                if part.type == "shorthand_property_identifier_pattern" \
                        and _text(part) == "env":
                    scopes[-1]["env"] = True
                elif part.type == "pair_pattern":
                    key, val = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if key is not None and val is not None and _text(key) == "env" \
                            and val.type == "identifier":
                        scopes[-1][_text(val)] = True
                        added.append(_text(val))
        return added

    def destructure(self, pattern: Node, scope: dict[str, bool], kind: str = "env") -> None:
        """`{ A, B = 1, C: c, ...rest }` taken from env: A, B and C are uses."""
        for part in pattern.named_children:
            target = part
            if part.type == "object_assignment_pattern":
                target = part.child_by_field_name("left") or part
            if target.type == "shorthand_property_identifier_pattern":
                self.use(_text(target), target, kind)
                scope[_text(target)] = False
            elif part.type == "pair_pattern":
                key = part.child_by_field_name("key")
                if key is None:
                    continue
                name = string_value(key) if key.type == "string" else _text(key)
                if name is not None:
                    self.use(name, key, kind)
            elif part.type == "rest_pattern":
                self.facts.dynamic.append(self.loc(part))

    def call(self, node: Node) -> None:
        """`import("./x")` and `require("./x")` with a constant path are imports too."""
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None or _text(fn) not in ("import", "require"):
            return
        first = args.named_children[0] if args.named_children else None
        spec = string_value(first)
        if spec is not None:
            self.facts.imports.append(spec)


def _base_name(node: Node | None) -> str | None:
    """`DurableObject`, `cf.DurableObject<Env>`, `Mixin(DurableObject)` -> DurableObject."""
    node = unwrap(node)
    while node is not None and node.type in ("call_expression", "generic_type"):
        args = node.child_by_field_name("arguments")
        node = args.named_children[0] if node.type == "call_expression" and args is not None \
            and args.named_children else node.named_children[0] if node.named_children else None
    if node is None:
        return None
    text = _text(node).split("<")[0]
    return text.rsplit(".", 1)[-1].strip() or None


def scan(path: str, source: bytes) -> FileFacts:
    tree = _parser(grammar_for(path)).parse(source)
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
