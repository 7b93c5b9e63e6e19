"""Python workers (Pyodide): binding uses, classes and handlers, read with `ast`.

The entry class is `class Default(WorkerEntrypoint)` (its methods are the handlers);
the older module-level `on_fetch(request, env)`, `on_scheduled(...)`, ... count too.
`self.env.NAME`, `env.NAME` (a parameter named env or the handler's second one),
aliases `e = self.env`, and `getattr(env, "NAME")` are uses; `getattr(env, name)` is
dynamic access.
"""

from __future__ import annotations

import ast

from confgen.source.facts import HANDLERS, ClassDef, Default, FileFacts, Loc

Scope = dict[str, bool]
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.facts = FileFacts(path)
        self.scopes: list[Scope] = [{"env": True}]
        self.lines = lines

    def loc(self, node: ast.expr | ast.stmt | ast.arg) -> Loc:
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        column = len(line.encode("utf-8")[:node.col_offset].decode("utf-8", "replace")) + 1
        return Loc(self.path, node.lineno, column)

    def env_expr(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            for scope in reversed(self.scopes):
                if node.id in scope:
                    return scope[node.id]
            return False
        return isinstance(node, ast.Attribute) and node.attr == "env"

    # -- top level -----------------------------------------------------------------------

    def module(self, tree: ast.Module) -> None:
        handlers = set()
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                base = _base(node)
                methods = frozenset(n.name for n in node.body
                                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
                self.facts.classes[node.name] = ClassDef(node.name, base, self.loc(node), methods)
                self.facts.exports[node.name] = node.name
                if node.name == "Default":
                    self.facts.default = Default(self.loc(node), methods & set(HANDLERS), base)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and node.name.startswith("on_") and node.name[3:] in HANDLERS:
                handlers.add(node.name[3:])
                if self.facts.default is None or self.facts.default.base is None:
                    self.facts.default = Default(self.loc(node), frozenset(handlers))
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    module = "." * node.level + (node.module or "")
                    self.facts.imported[alias.asname or alias.name] = (alias.name, module)
                    self.facts.exports.setdefault(alias.asname or alias.name, alias.name)
        for found in ast.walk(tree):
            if isinstance(found, ast.Import):
                self.facts.imports.extend(a.name for a in found.names)
            elif isinstance(found, ast.ImportFrom):
                base = "." * found.level + (found.module or "")
                self.facts.imports.append(base)
                if found.module is None or found.level:  # `from . import x`: x may be a module
                    sep = "" if base.endswith(".") else "."
                    self.facts.imports.extend(base + sep + a.name for a in found.names)
        self.visit(tree)

    # -- functions and aliases -----------------------------------------------------------

    def visit_FunctionDef(self, node: FunctionNode) -> None:
        args = [*node.args.posonlyargs, *node.args.args]
        handler = node.name.startswith("on_") or node.name in HANDLERS
        params = [a for a in args if a.arg != "self"]
        scope: Scope = {}
        for i, arg in enumerate(params):
            note = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            scope[arg.arg] = arg.arg == "env" or note.endswith("Env") or (
                handler and i == 1 and node.name != "fetch")
        self.scopes.append(scope)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append({a.arg: False for a in node.args.args})
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        is_env = self.env_expr(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scopes[-1][target.id] = is_env
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.env_expr(node.value):
            end = node.end_col_offset or 0
            line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
            start = len(line.encode("utf-8")[:end].decode("utf-8", "replace")) - len(node.attr)
            self.facts.uses.append((node.attr, Loc(self.path, node.end_lineno or node.lineno,
                                                   start + 1)))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr") \
                and len(node.args) >= 2 and self.env_expr(node.args[0]):
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                self.facts.uses.append((name.value, self.loc(name)))
            else:
                self.facts.dynamic.append(self.loc(node))
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if self.env_expr(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self.facts.uses.append((key.value, self.loc(key)))
            else:
                self.facts.dynamic.append(self.loc(node))
        self.generic_visit(node)


def _base(node: ast.ClassDef) -> str | None:
    for base in node.bases:
        text = ast.unparse(base).split("[")[0]
        return text.rsplit(".", 1)[-1]
    return None


def scan(path: str, source: bytes) -> FileFacts:
    try:
        text = source.decode("utf-8")
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        facts = FileFacts(path)
        facts.error = (Loc(path, exc.lineno or 1, exc.offset or 1), f"syntax error: {exc.msg}")
        return facts
    except (UnicodeDecodeError, ValueError) as exc:
        facts = FileFacts(path)
        facts.error = (Loc(path, 1, 1), f"cannot parse: {exc}")
        return facts
    scanner = _Scanner(path, text.splitlines())
    scanner.module(tree)
    return scanner.facts
