"""The module level of a JavaScript/TypeScript file: imports, exported classes (and what
they extend), re-exports and the default export's handlers (ExportedHandler object,
WorkerEntrypoint class, a router object such as Hono's)."""

from __future__ import annotations

from collections.abc import Iterator

from confgen.source.facts import HANDLERS, ClassDef, Default, FileFacts, Loc
from confgen.source.js_syntax import (
    CLASSES,
    ENTRY_BASES,
    FUNCTIONS,
    Node,
    base_name,
    string_value,
    text,
    unwrap,
)


class ModuleLevel:
    """What a file exports; the scanner (confgen.source.javascript) inherits it."""

    facts: FileFacts
    handler_fns: set[int]
    handler_spans: list[tuple[int, int]]

    def loc(self, node: Node) -> Loc:
        raise NotImplementedError

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
                        declared[text(name)] = d
            if decl.type in ("function_declaration", "generator_function_declaration"):
                name = decl.child_by_field_name("name")
                if name is not None:
                    declared[text(name)] = decl
        for node in program.named_children:
            if node.type == "import_statement":
                self.import_statement(node)
            elif node.type == "export_statement":
                self.export_statement(node, declared)
            elif node.type == "expression_statement":
                self.event_listener(node)

    def event_listener(self, statement: Node) -> None:
        """Service-worker syntax: `addEventListener("fetch", ...)` is the fetch handler
        (and the bindings are globals, which this scan cannot follow: dynamic)."""
        call = unwrap(statement.named_children[0]) if statement.named_children else None
        if call is None or call.type != "call_expression":
            return
        fn, args = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if fn is None or args is None or text(fn) != "addEventListener":
            return
        event = string_value(args.named_children[0]) if args.named_children else None
        if event is None:
            return
        known = self.facts.default.handlers if self.facts.default else frozenset()
        self.facts.default = Default(self.loc(statement), (known or frozenset()) | {event})
        self.facts.dynamic.append(self.loc(statement))

    def add_class(self, node: Node) -> ClassDef:
        name_node = node.child_by_field_name("name")
        name = text(name_node) if name_node is not None else "default"
        base = None
        for child in node.named_children:
            if child.type == "class_heritage":
                value = child
                for part in child.named_children:
                    value = part.child_by_field_name("value") or part.named_children[0] \
                        if part.type == "extends_clause" and part.named_children else part
                    break
                base = base_name(value)
        body = node.child_by_field_name("body")
        methods = frozenset(text(n) for m in (body.named_children if body else ())
                            if m.type == "method_definition"
                            and (n := m.child_by_field_name("name")) is not None)
        found = ClassDef(name, base, self.loc(name_node or node), methods)
        if name_node is not None:
            self.facts.classes[name] = found
        if base in ENTRY_BASES and body is not None:
            for m in body.named_children:
                n = m.child_by_field_name("name")
                if m.type == "method_definition" and n is not None and text(n) == "constructor":
                    self.mark_handler(m)
        return found

    def mark_handler(self, fn: Node) -> None:
        self.handler_fns.add(fn.id)
        self.handler_spans.append((fn.start_byte, fn.end_byte))

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
                    self.facts.imported[text(part)] = ("default", spec)
                elif part.type == "named_imports":
                    for s in part.named_children:
                        name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                        if s.type == "import_specifier" and name is not None:
                            self.facts.imported[text(alias or name)] = (text(name), spec)

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
                self.facts.exports[text(name)] = text(name)
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
            exported = text(alias or name)
            if source is not None:
                self.facts.reexports.append((exported, text(name), source))
            elif exported == "default":
                self.default_export(node, name, declared)
            else:
                self.facts.exports[exported] = text(name)

    def default_export(self, node: Node, value: Node | None,
                       declared: dict[str, Node]) -> None:
        value = unwrap(value)
        where = self.loc(node)
        if value is not None and value.type == "identifier":
            name = text(value)
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
        elif value.type == "object" and any(m.type == "spread_element"
                                             for m in value.named_children):
            self.facts.default = Default(where, None)  # { ...handlers }: not known here
        elif value.type == "object":
            self.facts.default = Default(where, frozenset(self.handler_members(value, declared)))
        elif value.type == "new_expression":  # a router object (Hono, itty-router): fetch
            self.facts.default = Default(where, frozenset({"fetch"}))
        else:
            self.facts.default = Default(where, None)

    def handler_members(self, obj: Node, declared: dict[str, Node]) -> Iterator[str]:
        for member in obj.named_children:
            key = member.child_by_field_name("name") or member.child_by_field_name("key")
            name = text(key) if key is not None else text(member)
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
