"""The installed `confgen` reads plain validate and generate command lines itself, without
importing click (confgen.launch), and hands every other command line to click. These tests
prove that its reading is click's wherever it reads at all, that the common command lines
do take the fast way, and that the rest still meets click's help and usage errors."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confgen import launch
from confgen.cli import main

REPO = Path(__file__).resolve().parent.parent


def click_table(command: click.Command) -> dict[str, tuple[str, Any]]:
    """The option table click declares for a command, in launch's terms."""
    table: dict[str, tuple[str, Any]] = {}
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        kind: Any = ("flag" if param.is_flag else "many" if param.multiple else
                     tuple(param.type.choices) if isinstance(param.type, click.Choice)
                     else "value")
        for option in param.opts:
            table[option] = (str(param.name), kind)
    return table


def clicks_reading(argv: list[str]) -> dict[str, Any]:
    command = main.commands[argv[0]]  # type: ignore[attr-defined]
    with command.make_context(argv[0], argv[1:]) as ctx:
        return dict(ctx.params)


@pytest.mark.parametrize("name", sorted(launch.COMMANDS))
def test_the_option_table_is_the_one_click_declares(name: str) -> None:
    command = main.commands[name]  # type: ignore[attr-defined]
    assert launch.COMMANDS[name] == click_table(command)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    assert [(p.name, p.nargs) for p in arguments] == [("manifests", -1)]


COMMON = [
    ["validate"], ["generate", "--check"], ["generate", "--check", "--all"],
    ["generate", "--all", "--quiet"], ["validate", "project.toml", "other/project.toml"],
    ["validate", "--format", "sarif", "--all"], ["validate", "--format=github", "-q"],
    ["generate", "--diff", "--manifest", "infra"], ["validate", "-", "--strict"],
    ["validate", "--select", "CG2", "--ignore", "CG253", "--ignore=CG6", "--color", "never"],
    ["generate", "--force", "--manifest=infra/project.toml"],
]


@pytest.mark.parametrize("argv", COMMON, ids=" ".join)
def test_common_command_lines_take_the_fast_way_and_read_as_click_reads_them(
        argv: list[str]) -> None:
    parsed = launch.parse(argv)
    assert parsed is not None
    assert parsed == (argv[0], clicks_reading(argv))


@pytest.mark.parametrize("argv", [
    [], ["--version"], ["-h"], ["validate", "--help"], ["validate", "-h"],
    ["plan", "--env", "production"], ["validate", "--bogus"], ["validate", "-qx"],
    ["validate", "--format", "yaml"], ["validate", "--manifest"], ["generate", "--check=1"],
    ["validate", "--", "project.toml"], ["validate", "--manifest", "--all"],
    ["validate", ""], ["generate", "--strict"], ["validate", "--diff"],
], ids=repr)
def test_anything_else_is_left_to_click(argv: list[str]) -> None:
    assert launch.parse(argv) is None


TOKENS = ["--manifest", "--all", "--format", "json", "text", "sarif", "yaml", "--select",
          "CG2", "--ignore", "CG1", "-q", "--quiet", "--color", "always", "never", "--strict",
          "--check", "--diff", "--force", "-", "x.toml", "dir/", "--format=json",
          "--select=CG", "--manifest=a", "--manifest=", "-h", "--help", "--", "-x",
          "--all=1", "-qq", "", "--color=auto", "--colo", "-q=1", "a b", "é.toml"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(launch.COMMANDS)), st.lists(st.sampled_from(TOKENS), max_size=7))
def test_wherever_the_fast_reader_reads_click_reads_the_same(command: str,
                                                              rest: list[str]) -> None:
    argv = [command, *rest]
    parsed = launch.parse(argv)
    if parsed is None:
        return
    assert parsed == (command, clicks_reading(argv))


def python_m_confgen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "confgen", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_validate_and_generate_check_run_without_importing_click() -> None:
    for args in (["validate"], ["generate", "--check"]):
        result = python_m_confgen(*args)
        assert result.returncode == 0, result.stdout
        modules = imported(result.stderr)
        assert "confgen.run" in modules and "click" not in modules


def test_help_and_usage_errors_are_still_clicks(tmp_path: Path) -> None:
    helped = python_m_confgen("validate", "--help")
    assert helped.returncode == 0 and "validate [OPTIONS] [MANIFESTS]..." in helped.stdout
    assert "click" in imported(helped.stderr)
    wrong = python_m_confgen("validate", "--bogus")
    assert wrong.returncode == 2 and "No such option '--bogus'" in wrong.stderr


class Ended(Exception):
    """os._exit, caught: the code the process would end with."""


def run_in_process(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    def leave(code: int) -> None:
        raise Ended(code)

    monkeypatch.setattr(sys, "argv", ["confgen", *argv])
    monkeypatch.setattr(os, "_exit", leave)
    monkeypatch.setattr(gc, "disable", lambda: None)
    with pytest.raises(Ended) as ended:
        launch.main()
    code: int = ended.value.args[0]
    return code


def test_the_fast_way_ends_with_the_commands_exit_code(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert run_in_process(monkeypatch, "validate", str(REPO / "project.toml")) == 0
    broken = REPO / "tests/cases/CG201_unknown_service_binding/project.toml"
    assert run_in_process(monkeypatch, "validate", "-q", str(broken)) == 1
    assert "error CG201" in capsys.readouterr().out


class Gone(io.StringIO):
    """Standard output whose reader went away (| head)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError

    def flush(self) -> None:
        raise BrokenPipeError


def test_a_reader_that_goes_away_ends_it_quietly_with_1(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    monkeypatch.setattr(sys, "stdout", Gone())
    assert run_in_process(monkeypatch, "validate", "--format", "json",
                          str(REPO / "project.toml")) == 1
    assert capsys.readouterr().err == ""
