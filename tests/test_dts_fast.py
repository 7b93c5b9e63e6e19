"""The Env file's fast reader (confgen/dts_fast.py) may refuse a text, never disagree.

Every `worker-configuration.d.ts` confgen writes is read back before it is written. The
strict line reader answers for the texts in its subset and hands everything else to
tree-sitter's TypeScript grammar; wherever it answers, its answer is tree-sitter's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confgen import dts_fast, envtypes, resolve

REPO = Path(__file__).resolve().parent.parent
WRITTEN = sorted([*REPO.glob("tests/golden/**/worker-configuration.d.ts"),
                  *REPO.glob("workers/**/worker-configuration.d.ts")])
HOSTILE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                  max_size=30) | st.sampled_from(
    ['"', "\\", "*/", "/*", "//", "\n", "\r", "\u2028", "\u2029", "\x00", "${x}", "'"])
NAME = st.from_regex(r"\A[A-Za-z_$][A-Za-z0-9_$]{0,10}\Z") | HOSTILE.filter(bool)
VALUE = (HOSTILE | st.integers(-10**6, 10**6) | st.booleans()
         | st.floats(allow_nan=False, allow_infinity=False)
         | st.lists(HOSTILE, max_size=2) | st.dictionaries(HOSTILE, st.integers(), max_size=2))


def agree(text: str) -> bool:
    """True when the fast reader answered (and then it must agree with tree-sitter)."""
    fast = dts_fast.read(text)
    if fast is not None:
        assert fast == envtypes.parse_back_tree_sitter(text)
    return fast is not None


def test_every_env_file_in_the_repository_reads_alike() -> None:
    assert len(WRITTEN) >= 10
    answered = [agree(p.read_text(encoding="utf-8")) for p in WRITTEN]
    # the subset is the common case, not a corner: the bundled workers are all in it
    assert sum(answered) >= len(WRITTEN) - 2


def env_file(vars_: dict[str, Any], env_vars: dict[str, Any], services: int) -> str:
    project = resolve.build({
        "project": {"name": "p", "compatibility_date": "2025-10-01"},
        "environments": {"staging": {}, "production": {"vars": env_vars}},
        "workers": {
            "w": {"main": "src/index.ts", "vars": vars_, "secrets": ["API_KEY"],
                  "compatibility_flags": ["nodejs_compat"],
                  "services": [{"binding": f"S{i}", "service": "other"}
                               for i in range(services)],
                  "durable_objects": {"bindings": [{"name": "ROOM", "class_name": "Room"}]},
                  "migrations": [{"tag": "v1", "new_sqlite_classes": ["Room"]}]},
            "other": {"main": "src/index.ts"},
        },
    })
    return str(envtypes.output(project.workers[1], "project.toml").text)


@settings(max_examples=200, deadline=None)
@given(vars_=st.dictionaries(NAME, VALUE, max_size=4),
       env_vars=st.dictionaries(NAME, VALUE, max_size=3), services=st.integers(0, 2))
def test_generated_env_files_read_alike(vars_: dict[str, Any], env_vars: dict[str, Any],
                                        services: int) -> None:
    text = env_file(vars_, env_vars, services)
    agree(text)
    # and what generate checks holds either way
    assert envtypes.parse_back(text) == envtypes.parse_back_tree_sitter(text)


def test_plain_workers_are_in_the_subset() -> None:
    assert agree(env_file({"MODE": "fast", "N": 3, "ON": True}, {"MODE": "slow"}, 2))


BASE = env_file({"MODE": "fast"}, {}, 1)


@pytest.mark.parametrize("broken", [
    BASE.replace('"fast";', '"fast"'),  # a missing semicolon
    BASE.replace("\t}\n", "", 1),  # an interface left open
    BASE.replace("\tMODE", "MODE", 1),  # a member at the wrong depth
    BASE.replace("// Generated", "// Gen\rerated"),  # a CR ends a comment in TypeScript
    BASE.replace('"fast"', '"fa\\qst"'),  # not a JSON escape
    BASE.replace('"fast"', "'fast'"),  # valid TypeScript, but not what confgen writes
    BASE + "export {};\n",  # a line the template never writes
    BASE.replace("interface __BaseEnv_Env {", "interface __BaseEnv_Env {\n}\n"
                 "interface __BaseEnv_Env {", 1),  # one interface twice
])
def test_texts_outside_the_subset_go_to_tree_sitter(broken: str) -> None:
    assert broken != BASE
    assert dts_fast.read(broken) is None


def test_process_env_names_are_quoted_as_json() -> None:
    """nodejs_compat's ProcessEnv picks the vars by name: a `"` in a name once broke the file
    (found by the property above), so generate refused to write it."""
    text = env_file({'say "hi"': "x"}, {}, 0)
    assert 'Pick<Cloudflare.Env, "say \\"hi\\"" | "API_KEY">' in text
    assert envtypes.parse_back_tree_sitter(text)["__BaseEnv_Env"][0][0] == 'say "hi"'
