"""The model builder shares work between sections; each section must still be exactly what
its own layers say.

confgen.resolve merges a worker's [defaults] and worker layers once for its top level and
every environment, merges the vars of [defaults] and each environment once for every
worker, and makes each binding object once for all the sections that have it
(confgen.entries). Here every section of every manifest the tests hold (rule cases,
golden projects, the real-world corpus, the bundled project) and of a generated fleet
with `unset`s and per-environment resources is checked against the definitions those
shortcuts replace: `layering.pick` over the section's own layers, and the vars of its
layers merged one by one with every `unset` applied.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from confgen import load, schema
from confgen.entries import Entries
from confgen.layering import pick, unset_layers
from confgen.model import Config, Var
from confgen.resolve import _Builder

TESTS = Path(__file__).parent
REPO = TESTS.parent


def _fleet_text(n: int) -> str:
    spec = importlib.util.spec_from_file_location("fleet", REPO / "benchmarks" / "fleet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.manifest(n)
    return text


def _with_unsets(text: str) -> str:
    """The fleet with sections that remove inherited vars, secrets, routes and bindings."""
    text = text.replace('vars = { REGION = "eu" }',
                        'vars = { REGION = "eu" }\nunset = ["vars.WORKER", "secrets"]', 5)
    text = text.replace('vars = { REGION = "us" }',
                        'vars = { REGION = "us" }\nunset = ["routes", "kv_namespaces"]', 5)
    return text.replace('vars = { REGION = "ap" }',
                        'vars = { REGION = "ap" }\nunset = ["vars", "tail_consumers.logger"]', 5)


def _manifests() -> Iterator[tuple[str, str]]:
    for path in sorted(TESTS.rglob("*.toml")):
        if "cases" in path.parts or "golden" in path.parts or "corpus_manifests" in path.parts:
            yield str(path.relative_to(TESTS)), path.read_bytes().decode("utf-8", "replace")
    yield "project.toml", (REPO / "project.toml").read_text("utf-8")
    yield "fleet of 60 with unsets", _with_unsets(_fleet_text(60))


def _valid(text: str) -> Mapping[str, Any] | None:
    parsed = load.parse(text.encode(), "project.toml", REPO)
    if not isinstance(parsed, load.Loaded) or schema.check(parsed.data):
        return None  # the model is built only for a schema-valid manifest
    return parsed.data


MANIFESTS = [(name, data) for name, text in _manifests() if (data := _valid(text)) is not None]


def _sections(builder: _Builder) -> Iterator[tuple[str, str | None]]:
    for name in sorted(builder.workers):
        yield name, None
        for env in builder.worker_envs(name):
            yield name, env


def _vars_one_by_one(builder: _Builder, name: str, env: str | None) -> tuple[Var, ...]:
    merged: dict[str, Var] = {}
    for path, values in unset_layers(builder.var_layers(name, env)):
        for key, value in values.get("vars", {}).items():
            merged[key] = Var(key, value, path + ("vars", key))
    router = builder.router
    if env is not None and router is not None and router.get("worker") == name:
        merged["ENVIRONMENT"] = Var("ENVIRONMENT", env, ("router", "worker"))
    return tuple(merged[k] for k in sorted(merged))


def test_the_manifests_checked_here_include_every_kind_of_section() -> None:
    assert len(MANIFESTS) > 100
    fleet = dict(MANIFESTS)["fleet of 60 with unsets"]
    assert sum("unset" in s for w in fleet["workers"].values()
               for s in w.get("env", {}).values()) == 15


@pytest.mark.parametrize(("name", "data"), MANIFESTS, ids=[n for n, _ in MANIFESTS])
def test_each_section_is_what_its_own_layers_give(name: str, data: Mapping[str, Any]) -> None:
    builder = _Builder(data)
    builder.build()  # fills every shared table first, as a real build does
    for worker, env in _sections(builder):
        layers = builder.layers(worker, env)
        wanted = {key: pick(layers, key) for _, keys in layers for key in keys}
        assert builder.keys(worker, env) == wanted, (worker, env)
        assert builder.vars(worker, env) == _vars_one_by_one(builder, worker, env), (worker, env)


class _Unshared(_Builder):
    """A builder that shares nothing between sections: every table starts empty for each."""

    def config(self, name: str, env: str | None) -> Config:
        self.entries = Entries(self.resources, self.namespaces)
        self.bases, self.vars_at, self.below_vars = {}, {}, {}
        return super().config(name, env)


@pytest.mark.parametrize(("name", "data"), MANIFESTS, ids=[n for n, _ in MANIFESTS])
def test_sharing_between_sections_changes_no_value(name: str, data: Mapping[str, Any]) -> None:
    assert _Builder(data).build() == _Unshared(data).build()


def test_one_builder_makes_an_inherited_binding_once() -> None:
    project = _Builder(dict(MANIFESTS)["fleet of 60 with unsets"]).build()
    tails = [t for w in project.workers for c in w.configs for t in c.tail_consumers]
    assert len({id(t) for t in tails}) < len(tails) / 2
