"""The user's manual stays true: every manifest key is documented, every example validates,
every pasted command output is what the command prints today.

Markers are HTML comments (invisible on GitHub) on the line before a fenced block, or alone:

    <!-- docs-test: session=empty -->    start a scratch folder (session=bundled: a copy of the
                                          repository's project.toml, confgen.lock and workers/)
    <!-- docs-test: file=PATH -->         write the next block to PATH in the session folder
    <!-- docs-test: run -->               a ```console block: each `$ command` runs in the session
                                          folder (bash, confgen on PATH, no color); the lines
                                          after it are its output, stdout and stderr together
    <!-- docs-test: output=PATH -->       the next block equals the session's file PATH
    <!-- docs-test: stdout="confgen graph" -->  the next block equals that command's output
    <!-- docs-test: partial -->           a ```toml fragment: it must parse and pass the schema
                                          (with a stub [project] when it has none), not the rules
    <!-- docs-test: invalid -->           a ```toml manifest that shows a mistake: it must fail

Every other ```toml block is a whole manifest and must validate with no diagnostic at all.
Every pasted wrangler file (output=.../wrangler.jsonc) passes wrangler's own config schema and
`wrangler deploy --dry-run` at its top level and in each environment (the pinned wrangler).
Pasted outputs are refreshed with `python tests/test_docs.py --update` (review the diff).

docs/manifest.md documents each key of schemas/project.schema.json as a table row whose first
cell is its dotted path in backticks: `workers.<name>.services[].binding` (`<name>` for a
worker, `<env>` for an environment, `<id>` for any other id, `[]` for an array's items). In the
worker tables an "Also in" cell names the other places that accept the same key: `defaults`
([defaults]) and `env` ([workers.<name>.env.<env>]).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomllib

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md")) + [REPO / "README.md"]
MARKER = re.compile(r"^<!-- docs-test: (.*) -->$")
FENCE = re.compile(r"^```(\S*)\s*$")
WORKER = "workers.<name>."
ALSO_IN = {"defaults": "defaults.", "env": "workers.<name>.env.<env>."}


# -- reading pages -------------------------------------------------------------------------


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    marker: dict[str, str] = field(default_factory=dict)
    start: int = 0  # index of the first content line
    end: int = 0  # index of the closing fence

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"


def parse_marker(line: str) -> dict[str, str] | None:
    found = MARKER.match(line.strip())
    if found is None:
        return None
    out = {}
    for word in shlex.split(found.group(1)):
        key, _, value = word.partition("=")
        out[key] = value
    return out


def items(page: Path) -> Iterator[Block | dict[str, str]]:
    """Markers that stand alone (sessions) and fenced blocks, in page order."""
    lines = page.read_text(encoding="utf-8").split("\n")
    pending: dict[str, str] = {}
    i = 0
    while i < len(lines):
        marker = parse_marker(lines[i])
        fence = FENCE.match(lines[i])
        if marker is not None:
            if "session" in marker:
                yield marker
            else:
                pending = marker
        elif fence is not None:
            end = next(j for j in range(i + 1, len(lines)) if lines[j] == "```")
            yield Block(page, i + 1, fence.group(1), "\n".join(lines[i + 1:end]) + "\n",
                        pending, i + 1, end)
            pending = {}
            i = end
        elif lines[i].strip():
            pending = {}
        i += 1


def blocks(lang: str | None = None) -> list[Block]:
    return [b for page in PAGES for b in items(page)
            if isinstance(b, Block) and (lang is None or b.lang == lang)]


# -- running sessions ----------------------------------------------------------------------


def shell(command: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "80"  # --help wraps to the terminal's width
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120, check=False)
    return done.stdout


def new_session(kind: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="confgen-docs-"))
    if kind == "bundled":
        for name in ("project.toml", "confgen.lock"):
            shutil.copy(REPO / name, folder / name)
        shutil.copytree(REPO / "workers", folder / "workers")
    elif kind != "empty":
        raise ValueError(f"unknown session kind {kind!r}")
    return folder


def transcript(block: Block, cwd: Path) -> str:
    """The console block as it reads today: each command with what it prints now."""
    out: list[str] = []
    for line in block.text.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            out.append(line)
            printed = shell(line[2:], cwd)
            out.extend(printed.rstrip("\n").split("\n") if printed.strip() else [])
    return "\n".join(out) + "\n"


def expected_text(block: Block, cwd: Path | None) -> str | None:
    """What the block must say, or None when it is not a checked output."""
    m = block.marker
    if not m.keys() & {"run", "output", "stdout"}:
        return None
    if cwd is None:
        raise AssertionError(f"{block.where}: needs a <!-- docs-test: session=... --> before it")
    if "run" in m:
        return transcript(block, cwd)
    if "output" in m:
        target = cwd / m["output"]
        return target.read_text(encoding="utf-8") if target.is_file() else "(missing)\n"
    return shell(m["stdout"], cwd)


def replay(page: Path) -> Iterator[tuple[Block, str]]:
    """Every checked block of the page with the text it must have, sessions replayed."""
    cwd: Path | None = None
    sessions: list[Path] = []
    try:
        for item in items(page):
            if isinstance(item, dict):
                cwd = new_session(item["session"])
                sessions.append(cwd)
                continue
            if "file" in item.marker:
                if cwd is None:
                    raise AssertionError(f"{item.where}: file= needs a session before it")
                target = cwd / item.marker["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(item.text, encoding="utf-8")
            want = expected_text(item, cwd)
            if want is not None:
                yield item, want
    finally:
        for folder in sessions:
            shutil.rmtree(folder, ignore_errors=True)


def update() -> None:
    """Rewrite every checked block with what the commands print today."""
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").split("\n")
        edits = [(b.start, b.end, want) for b, want in replay(page) if want != b.text]
        for start, end, want in sorted(edits, reverse=True):
            lines[start:end] = want.rstrip("\n").split("\n")
        if edits:
            page.write_text("\n".join(lines), encoding="utf-8")
            print(f"updated {len(edits)} block(s) in {page.relative_to(REPO)}")


# -- the tests: pasted outputs ---------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_pasted_output_is_what_confgen_prints_today(page: Path) -> None:
    stale = [(b.where, want) for b, want in replay(page) if want != b.text]
    assert not stale, (
        "pasted outputs differ from what the commands print now (refresh with "
        "`python tests/test_docs.py --update` and review the diff):\n"
        + "\n".join(f"{where}: now\n{want}" for where, want in stale))


def test_the_pages_use_every_kind_of_check() -> None:
    seen = {key for b in blocks() for key in b.marker}
    assert {"run", "output", "stdout", "file", "partial", "invalid"} <= seen


# -- the tests: pasted wrangler files are what the real wrangler accepts ----------------------


def pasted_wrangler_files() -> list[Block]:
    return [b for b in blocks() if re.search(r"(^|/)wrangler\.(jsonc|toml)$",
                                             b.marker.get("output", ""))]


def parse_wrangler(block: Block) -> dict[str, Any]:
    import json5

    data: dict[str, Any] = (tomllib.loads(block.text) if block.marker["output"].endswith(".toml")
                            else json5.loads(block.text))
    return data


@pytest.mark.wrangler
@pytest.mark.parametrize("block", pasted_wrangler_files(), ids=lambda b: b.where)
def test_every_pasted_wrangler_file_is_one_wrangler_accepts(block: Block, tmp_path: Path) -> None:
    """wrangler's config schema, then `wrangler deploy --dry-run` at the top and per env."""
    import wrangler_tool as wt
    from jsonschema import Draft7Validator

    data = parse_wrangler(block)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft7Validator(wt.config_schema()).iter_errors(data)]
    assert not errors, f"{block.where} breaks wrangler's config-schema.json: {errors}"
    config = tmp_path / Path(block.marker["output"]).name
    config.write_text(block.text, encoding="utf-8")
    (tmp_path / data["main"]).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / data["main"]).write_text("export default { fetch() { return new Response() } }\n")
    for env in ["", *data.get("env", {})]:
        result = wt.dry_run(config, env)
        assert result.returncode == 0 and not result.errors and not result.warnings, (
            f"{block.where}: wrangler deploy --dry-run -e {env!r}\n{result.output}")


# -- the tests: TOML examples ----------------------------------------------------------------


def validate(text: str, tmp: Path) -> list[str]:
    from confgen.validate import validate_file

    (tmp / "project.toml").write_text(text, encoding="utf-8")
    return [f"{d.line}:{d.column}: {d.severity} {d.code} {d.message}"
            for d in validate_file(tmp / "project.toml").diagnostics]


MANIFESTS = [b for b in blocks("toml") if not b.marker.keys() & {"output", "stdout"}]


@pytest.mark.parametrize("block", MANIFESTS, ids=lambda b: b.where)
def test_every_toml_example_is_what_it_claims(block: Block, tmp_path: Path) -> None:
    from confgen.schema import check

    data = tomllib.loads(block.text)  # every example parses, fragments included
    if "partial" in block.marker:
        data.setdefault("project", {"name": "example"})
        problems = check(data)
        assert problems == [], f"{block.where}: the fragment breaks the schema: {problems}"
    elif "invalid" in block.marker:
        found = validate(block.text, tmp_path)
        assert any(": error " in d for d in found), f"{block.where}: marked invalid, no error"
    else:
        found = validate(block.text, tmp_path)
        assert found == [], (f"{block.where}: a whole manifest must validate clean (mark a "
                             f"fragment <!-- docs-test: partial -->): {found}")


# -- the tests: the manifest reference is complete -------------------------------------------


def resolve_ref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def placeholder(schema: dict[str, Any], node: dict[str, Any]) -> str:
    ref = node.get("propertyNames", {}).get("$ref", "")
    return {"name": "<name>", "scriptName": "<name>", "envName": "<env>"}.get(
        ref.rsplit("/", 1)[-1], "<id>")


def schema_keys(schema: dict[str, Any], node: dict[str, Any] | None = None,
                path: str = "") -> dict[str, dict[str, Any]]:
    """Dotted path -> its schema node, for every key and every table of ids."""
    node = resolve_ref(schema, schema if node is None else node)
    out: dict[str, dict[str, Any]] = {}
    required = set(node.get("required", ()))
    for key, child in node.get("properties", {}).items():
        sub = f"{path}.{key}" if path else key
        out[sub] = {**resolve_ref(schema, child), "_required": key in required}
        out.update(schema_keys(schema, child, sub))
    for alternative in node.get("oneOf", ()):
        if "properties" in resolve_ref(schema, alternative):
            out.update(schema_keys(schema, alternative, path))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and "properties" in resolve_ref(schema, extra):
        sub = f"{path}.{placeholder(schema, node)}"
        out[sub] = {**resolve_ref(schema, extra), "_required": False}
        out.update(schema_keys(schema, extra, sub))
    items_ = node.get("items")
    if isinstance(items_, dict):
        out.update(schema_keys(schema, items_, path + "[]"))
    return out


@dataclass(frozen=True)
class Row:
    line: int
    path: str
    cells: dict[str, str]


def reference_rows(page: Path = DOCS / "manifest.md") -> list[Row]:
    """Table rows whose first cell is one backticked dotted key, with the 'Also in' expanded."""
    rows: list[Row] = []
    header: list[str] = []
    for number, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1):
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = [c.lower() for c in cells]
            continue
        key = re.fullmatch(r"`([^`]+)`", cells[0])
        if key is None or set(cells[0]) <= {"-", ":", " "}:
            continue
        named = dict(zip(header, cells))
        rows.append(Row(number, key.group(1), named))
        for place in re.findall(r"\w+", named.get("also in", "")):
            assert place in ALSO_IN and key.group(1).startswith(WORKER), (
                f"docs/manifest.md:{number}: 'Also in' names {place!r}; use "
                f"{' or '.join(ALSO_IN)} on `{WORKER}...` rows")
            rows.append(Row(number, ALSO_IN[place] + key.group(1)[len(WORKER):], named))
    return rows


def type_words(node: dict[str, Any]) -> set[str]:
    names = {"object": "table", "array": "array", "string": "string", "boolean": "boolean",
             "integer": "integer", "number": "number"}
    if "enum" in node:
        return {"string"}
    kinds = node.get("type")
    if kinds is None:
        return {w for alt in node.get("oneOf", ()) for w in type_words(alt)}
    return {names[k] for k in ([kinds] if isinstance(kinds, str) else kinds)}


def own_schema() -> dict[str, Any]:
    """The manifest's own keys: schemas/project.schema.json without the wrangler keys and
    definitions confgen.surface adds (those are documented by the generated
    docs/wrangler-keys.md). `top` takes an env section's keys, documented there."""
    from confgen.resources import data_dir

    raw: dict[str, Any] = json.loads((data_dir("schemas") / "project.schema.json").read_text())
    raw["$defs"]["workerTop"] = {"type": "object", "properties": {}}
    return raw


def wrangler_key(path: str) -> bool:
    """A documented row for a key wrangler defines (`workers.<name>.observability...`)."""
    from confgen import surface

    parts = path.split(".")
    return any(p in surface.copied() for p in parts[1:]) or (
        parts[0] == "resources" and len(parts) > 1
        and (parts[1] in surface.resource_kinds() or parts[1] in surface.singletons()))


def test_the_manifest_reference_documents_every_key_of_the_schema() -> None:
    keys = schema_keys(own_schema())
    documented = {r.path for r in reference_rows()}
    missing = sorted(set(keys) - documented)
    stale = sorted(p for p in documented - set(keys) if not wrangler_key(p))
    assert not missing, (
        "docs/manifest.md does not document these schema keys; add a row "
        "`| `<dotted key>` | type | default | meaning |` to the key's section (worker keys: "
        "one `workers.<name>.` row with 'Also in' defaults/env) and a TOML example:\n  "
        + "\n  ".join(missing))
    assert not stale, "docs/manifest.md documents keys the schema does not have:\n  " + \
        "\n  ".join(stale)


def test_each_reference_row_states_the_schema_type_default_and_choices() -> None:
    keys = schema_keys(own_schema())
    wrong = []
    for row in reference_rows():
        node = keys.get(row.path)
        if node is None:
            continue  # reported by the completeness test
        kind = row.cells.get("type", "")
        default = row.cells.get("default", "")
        for word in type_words(node):
            if not re.search(rf"\b{word}\b", kind):
                wrong.append(f"line {row.line} `{row.path}`: type should say {word!r}")
        if node["_required"] != (default == "required"):
            wrong.append(f"line {row.line} `{row.path}`: default should "
                         + ("be 'required'" if node["_required"] else "not be 'required'"))
        for choice in node.get("enum", ()):
            if f'"{choice}"' not in row.cells.get("type", "") + row.cells.get("meaning", ""):
                wrong.append(f"line {row.line} `{row.path}`: name the choice \"{choice}\"")
    assert not wrong, "docs/manifest.md disagrees with the schema:\n  " + "\n  ".join(wrong)


# -- the tests: links and hooks --------------------------------------------------------------


def anchors(page: Path) -> set[str]:
    """GitHub's heading slugs: lower case, punctuation dropped, spaces as dashes."""
    out: set[str] = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").split("\n"):
        in_code ^= line.startswith("```")
        if not in_code and (found := re.match(r"#+ (.*)", line)):
            slug = re.sub(r"[^\w\- ]", "", found.group(1).strip().lower()).replace(" ", "-")
            out.add(slug if slug not in out else f"{slug}-1")
    return out


def test_the_index_links_every_page_and_every_link_resolves() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in DOCS.glob("*.md") if p.name != "README.md"
                and f"({p.name})" not in index]
    assert not unlinked, f"docs/README.md does not link {unlinked}"
    broken = []
    for page in PAGES:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)]*))?\)", page.read_text()):
            if "://" in target:
                continue
            path = (page.parent / target) if target else page
            if not path.exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{page.relative_to(REPO)} -> {target}#{anchor}")
    assert not broken, f"links to files or headings that do not exist: {broken}"


def test_the_workflow_recipe_passes_on_the_bundled_project() -> None:
    """Every `run: confgen ...` step of a recipe marked `workflow` exits 0 on a clean tree."""
    steps = [(b.where, cmd) for b in blocks("yaml") if "workflow" in b.marker
             for cmd in re.findall(r"^\s*-?\s*run:\s*(confgen\s.*)$", b.text, re.MULTILINE)]
    assert steps, "docs show no workflow recipe"
    folder = new_session("bundled")
    try:
        failed = [f"{where}: {cmd}\n{out}" for where, cmd in steps
                  if (out := shell(f"{cmd} && echo __ok__", folder)).rstrip()[-6:] != "__ok__"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert not failed, "workflow steps that fail on the clean bundled project:\n" + \
        "\n".join(failed)


def test_the_command_line_page_has_a_section_per_command() -> None:
    from confgen.cli import main

    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [name for name in sorted(main.commands)
               if f"## `confgen {name}`" not in page
               or f'<!-- docs-test: stdout="confgen {name} --help" -->' not in page]
    assert not missing, ("docs/cli.md needs a section `## `confgen NAME`` with the command's "
                         f"--help (<!-- docs-test: stdout=\"confgen NAME --help\" -->): {missing}")


def test_pre_commit_recipes_name_only_hooks_that_exist() -> None:
    hooks = set(re.findall(r"^- id: (\S+)", (REPO / ".pre-commit-hooks.yaml").read_text(),
                           re.MULTILINE))
    named = {(b.where, h) for b in blocks("yaml")
             for h in re.findall(r"-\s+id:\s+(confgen\S*)", b.text)}
    assert named, "docs show no pre-commit recipe"
    unknown = sorted(f"{where}: {hook}" for where, hook in named if hook not in hooks)
    assert not unknown, f"hook ids not in .pre-commit-hooks.yaml: {unknown}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_docs.py --update")
    update()
