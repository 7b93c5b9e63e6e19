"""Templates run as plain Python: no Jinja2 at run time, never stale, same text as Jinja2.

confgen/compiled_templates/ holds one module per template, which `make templates`
compiles from Jinja2's syntax tree of the template (confgen.template_compiler). Run time
serves it only while it was compiled from exactly the template's current text; otherwise
Jinja2 renders the file. These tests prove the compiled code renders what Jinja2 renders,
on every context the golden trees give and on hostile values.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confgen import template_compiler, templating
from confgen.envtypes import Member
from confgen.generate import check
from confgen.wrangler import Section

TEMPLATES = sorted(p.name for p in templating.template_dir().glob("*.j2"))
ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = [*sorted((ROOT / "tests" / "golden").glob("*/project.toml")), ROOT / "project.toml"]


def jinja(name: str, context: dict[str, Any]) -> str:
    return template_compiler.environment().get_template(name).render(context)


def compiled(name: str, context: dict[str, Any]) -> str:
    module = importlib.import_module(templating.compiled_module(name))
    text: str = module.render(context)
    return text


def same_as_jinja(name: str, context: dict[str, Any]) -> None:
    """Both render the same text, or both refuse the context."""
    try:
        expected = jinja(name, context)
    except Exception:  # noqa: BLE001 - any refusal: the compiled code must refuse too
        with pytest.raises(Exception):  # noqa: B017
            compiled(name, context)
        return
    assert compiled(name, context) == expected


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_has_its_current_compiled_module(name: str) -> None:
    module = importlib.import_module(templating.compiled_module(name))
    assert module.__file__ is not None
    assert Path(module.__file__).read_text(encoding="utf-8") == \
        template_compiler.compiled_source(name), "run `make templates`"


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_are_served_from_their_compiled_module(name: str) -> None:
    module = importlib.import_module(templating.compiled_module(name))
    assert templating.renderer(name) is module.render


def test_generate_check_runs_without_importing_jinja2() -> None:
    code = ("import sys; from pathlib import Path; from confgen.generate import check; "
            "assert check(Path('project.toml')).ok; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jinja2'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_template_edited_since_make_templates_is_rendered_by_jinja2(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = "domain-routes.json.j2"
    module = importlib.import_module(templating.compiled_module(name))
    monkeypatch.setattr(module, "SOURCE", module.SOURCE + "{# edited #}")
    templating.renderer.cache_clear()
    try:
        assert templating.renderer(name) is not module.render
        assert templating.render(name, routes=[{"a": 1}]) == '[\n  {"a": 1}\n]\n'
    finally:
        templating.renderer.cache_clear()


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.parent.name)
def test_compiled_templates_render_what_jinja2_renders_for_the_golden_trees(
        manifest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    served = templating.renderer

    def recording(name: str) -> Any:
        def render(context: dict[str, Any]) -> str:
            seen.append((name, context))
            text: str = served(name)(context)
            return text
        return render

    monkeypatch.setattr(templating, "renderer", recording)
    assert check(manifest).ok
    assert seen
    for name, context in seen:
        assert compiled(name, context) == jinja(name, context), name


# Hostile values: every kind of JSON value, strings with quotes, backslashes, comment
# openers, control and line-breaking characters, non-ASCII, template syntax.
TEXT = st.lists(st.sampled_from(['"', "'", "\\", "/", "*", "\n", "\r", "\t", "\x00", "\x7f",
                                 "\x85", "\u2028", "\u2029", "é", "💥", "{{", "}}", "{%",
                                 "a", "Z", "0", " ", "-", "_", ".", "#", "$"]),
               max_size=8).map("".join)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                   st.floats(allow_nan=False, allow_infinity=False), TEXT)
JSON = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
# TOML has no null: without None, most drawn files render (with it, most are refused)
TOML = st.recursive(st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), TEXT,
                              st.floats(allow_nan=False, allow_infinity=False)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(TEXT, inner, max_size=4)),
                    max_leaves=12)


def _wrangler(values: Any) -> Any:
    entries = st.lists(st.tuples(TEXT, values), max_size=4).map(tuple)
    section = st.builds(Section, TEXT, TEXT, entries)
    return st.fixed_dictionaries({
        "header": st.lists(TEXT, max_size=2),
        # attribute, or (Jinja2's fallback) item: a dict serves `top.entries` too
        "top": st.one_of(st.builds(Section, st.none(), TEXT, entries),
                         st.builds(Section, st.none(), TEXT, entries).map(
                             lambda s: {"entries": s.entries, "inline": s.inline,
                                        "tables": s.tables})),
        "envs": st.lists(section, max_size=3).map(tuple),
    })


WRANGLER = _wrangler(JSON)
MEMBER = st.builds(Member, TEXT, st.lists(TEXT.map(json.dumps), min_size=1, max_size=2)
                   .map(tuple), st.booleans(), st.sampled_from(["var", "secret", "binding"]))
ENV_TYPES = st.fixed_dictionaries({
    "header": TEXT, "module": TEXT, "base": st.lists(MEMBER, max_size=3),
    "envs": st.lists(st.tuples(TEXT, TEXT, st.lists(MEMBER, max_size=3)), max_size=3),
    "process_env": st.lists(TEXT, max_size=3), "python": st.booleans()})
PAIRS = st.lists(st.tuples(TEXT, TEXT), max_size=3)
ROUTER = st.fixed_dictionaries({
    "source": TEXT, "hosts": PAIRS, "wildcards": PAIRS, "paths": PAIRS, "path_keys": PAIRS,
    "path_depth": st.integers(0, 9), "root_domains": st.lists(TEXT, max_size=3),
    "default": st.one_of(st.none(), TEXT), "services": st.lists(TEXT, max_size=3),
    "namespace_bindings": PAIRS})
CONTEXTS = {"wrangler.jsonc.j2": WRANGLER, "wrangler.json.j2": WRANGLER,
            "wrangler.toml.j2": _wrangler(TOML),
            "domain-routes.json.j2": st.fixed_dictionaries({"routes": st.lists(JSON, max_size=4)}),
            "worker-configuration.d.ts.j2": ENV_TYPES, "worker_env.pyi.j2": ENV_TYPES,
            "router.py.j2": ROUTER}


def test_every_template_has_a_hostile_context_strategy() -> None:
    assert sorted(CONTEXTS) == TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_templates_render_what_jinja2_renders_for_hostile_values(
        name: str, data: st.DataObject) -> None:
    same_as_jinja(name, data.draw(CONTEXTS[name]))


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_missing_name_is_an_error_as_with_strict_undefined(name: str) -> None:
    module = importlib.import_module(templating.compiled_module(name))
    with pytest.raises(templating.TemplateError, match="is undefined"):
        module.render({})


def test_a_missing_attribute_is_an_error_as_with_strict_undefined() -> None:
    context = {"header": [], "top": {"entries": ()}, "envs": [{"env": "x", "entries": ()}]}
    with pytest.raises(templating.TemplateError, match="no attribute 'comment'"):
        compiled("wrangler.jsonc.j2", context)
    with pytest.raises(Exception, match="comment"):
        jinja("wrangler.jsonc.j2", context)


def _compile(text: str) -> str:
    return template_compiler.compile_text(text, "t.j2")


@pytest.mark.parametrize("text", [
    "{% set x = 1 %}{{ x }}", "{{ x|upper }}", "{{ x[0] }}", "{{ x + 1 }}",
    "{% macro m() %}{% endmacro %}", "{% for x in y recursive %}{% endfor %}",
    "{% for x in y if x %}{% endfor %}", "{% for x in y %}{{ loop.cycle(1, 2) }}{% endfor %}",
    "{{ x is defined }}", "{{ f(*a) }}", "{% include 'other.j2' %}", "{{ [1] }}",
    "{% for loop in y %}{% endfor %}", "{{ x|json(*a) }}",
])
def test_the_compiler_refuses_what_it_does_not_translate(text: str) -> None:
    with pytest.raises(template_compiler.CompileError, match=r"^t\.j2:1: .* is not supported"):
        _compile(text)


@pytest.mark.parametrize("text, context", [
    ("{% for a, b in x %}{{ a }}{{ b }}{{ ',' if not loop.last }}{% else %}none{% endfor %}",
     [{"x": [(1, 2), (3, 4)]}, {"x": []}, {"x": {}}]),
    (("{% for a in x %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.length }}"
     "{% for b in a %}{{ loop.last }}{% endfor %}{{ loop.last }}{% endfor %}"),
     [{"x": ["ab", "", "c"]}, {"x": ("ab",)}]),
    ("{% if a %}1{% elif b and not c %}2{% else %}{{ 'y' if a else d.items() }}{% endif %}",
     [{"a": 0, "b": 1, "c": 0, "d": {}}, {"a": 1, "b": 0, "c": 0, "d": {}},
      {"a": "", "b": 1, "c": 1, "d": {"k": "v"}}]),
    ("{% for k, v in d.items() %}{{ k|toml_key }} = {{ v|toml }}\n{% endfor %}",
     [{"d": {"a b": 1, "c": [True, "x"]}}]),
])
def test_constructs_render_as_with_jinja2(text: str, context: list[dict[str, Any]]) -> None:
    namespace: dict[str, Any] = {}
    exec(_compile(text), namespace)  # noqa: S102 - the compiler's own output
    for c in context:
        expected = template_compiler.environment().from_string(text).render(c)
        assert namespace["render"](c) == expected
