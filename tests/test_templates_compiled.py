"""Templates are served precompiled (no Jinja2 compilation at start-up), never stale.

confgen/compiled_templates/ holds Jinja2's code for each template, written by
`make templates`. It is used only while it was made from exactly the template's
current text, by the installed Jinja2, with confgen's options.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from confgen import templating
from confgen.resources import data_dir

TEMPLATES = sorted(p.name for p in data_dir("templates").glob("*.j2"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_has_its_current_compiled_module(name: str) -> None:
    module = importlib.import_module(templating.compiled_module(name))
    assert module.__file__ is not None
    assert Path(module.__file__).read_text(encoding="utf-8") == \
        templating.compiled_source(name), "run `make templates`"


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_load_from_their_compiled_module(name: str) -> None:
    template = templating.environment().get_template(name)
    assert template.filename is not None
    assert Path(template.filename).parent.name == "compiled_templates"


def test_a_template_that_changed_is_compiled_from_its_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = "domain-routes.json.j2"
    module = importlib.import_module(templating.compiled_module(name))
    monkeypatch.setattr(module, "SOURCE", module.SOURCE + "{# edited #}")
    templating.environment.cache_clear()
    try:
        template = templating.environment().get_template(name)
        assert template.filename is not None and template.filename.endswith(name)
        assert template.render(routes=[{"a": 1}]) == '[\n  {"a": 1}\n]\n'
    finally:
        templating.environment.cache_clear()
