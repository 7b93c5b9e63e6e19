"""tree-sitter plumbing shared by the JavaScript/TypeScript scanner: the parsers of the
three grammars, node kinds, and small readers of nodes."""

from __future__ import annotations

from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

Node = tree_sitter.Node
FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function",
                       "method_definition", "generator_function_declaration",
                       "generator_function", "function"})
CLASSES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
WRAPPERS = frozenset({"parenthesized_expression", "non_null_expression", "as_expression",
                      "satisfies_expression", "type_assertion", "await_expression"})
ENTRY_BASES = frozenset({"DurableObject", "WorkerEntrypoint", "WorkflowEntrypoint"})


@cache
def parser(grammar: str) -> tree_sitter.Parser:
    language = {"typescript": tree_sitter_typescript.language_typescript,
                "tsx": tree_sitter_typescript.language_tsx,
                "javascript": tree_sitter_javascript.language}[grammar]()
    return tree_sitter.Parser(tree_sitter.Language(language))


def parse_typescript(source: bytes) -> tree_sitter.Tree:
    return parser("typescript").parse(source)


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
    literal = text(node)
    return literal[1:-1] if len(literal) >= 2 else None


def text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def base_name(node: Node | None) -> str | None:
    """`DurableObject`, `cf.DurableObject<Env>`, `Mixin(DurableObject)` -> DurableObject."""
    node = unwrap(node)
    while node is not None and node.type in ("call_expression", "generic_type"):
        args = node.child_by_field_name("arguments")
        node = args.named_children[0] if node.type == "call_expression" and args is not None \
            and args.named_children else node.named_children[0] if node.named_children else None
    if node is None:
        return None
    name = text(node).split("<")[0]
    return name.rsplit(".", 1)[-1].strip() or None
