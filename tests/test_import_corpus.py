"""`confgen import` on real repositories (tests/corpus), read back by the pinned wrangler.

For each corpus repository, in a scratch copy: `confgen import`, then `confgen validate`
(zero errors), then `confgen generate --force`, and wrangler's own reading
(`unstable_readConfig`) of every regenerated file is compared with its reading of the
original, at the top level and in every environment the original has. Import's verdict must
be wrangler's: a pair import calls equal reads equal, a pair it calls different reads
different and carries a CG505 at the original (readings compared as `meaning.canonical`
says: empty lists and tables inside a value are the same as absent ones). Every imported original is regenerated from
the manifest, and comes back when deleted. Needs `scripts/install-wrangler` (never skips)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import wrangler_reader as wr

from confgen import dts_fast, envtypes, importer
from confgen.generate import generate
from confgen.importer.meaning import canonical
from confgen.importer.prove import DIFFERS, EQUAL, EXTRA, NOT_IMPORTED
from confgen.validate import validate_file

pytestmark = pytest.mark.wrangler

CORPUS = Path(__file__).resolve().parent / "corpus"
REPOS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
# Not part of what a file means: where it is and which other environments it has (an extra
# environment is its own pair, `extra`, and its own diagnostic, CG506).
META = ("configPath", "userConfigPath", "definedEnvironments")


@dataclass
class Run:
    work: Path
    done: importer.Imported


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    out = {}
    for repo in REPOS:
        work = tmp_path_factory.mktemp("import") / repo
        shutil.copytree(CORPUS / repo, work)
        out[repo] = Run(work, importer.run(work))
        regenerated = generate(work / "project.toml", force=True)
        assert regenerated.ok, (repo, regenerated.diagnostics)
    return out


def _meaning(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """wrangler's reading, where it is and empty lists or tables inside values aside."""
    if config is None:
        return None
    return canonical({k: v for k, v in config.items() if k not in META})


@pytest.fixture(scope="module")
def verdicts(runs: dict[str, Run]) -> dict[tuple[str, str, str | None], tuple[str, bool]]:
    """(repo, file, env) -> (import's state, wrangler reads original and regenerated equal);
    every reading in one batch."""
    pairs = [(repo, p) for repo, run in runs.items() for p in run.done.pairs
             if p.state != EXTRA]
    requests: list[tuple[Path, str | None]] = []
    for repo, p in pairs:
        requests += [(CORPUS / repo / p.file, p.env), (runs[repo].work / p.file, p.env)]
    readings = wr.read_many(requests)
    out = {}
    for n, (repo, p) in enumerate(pairs):
        original, regenerated = readings[2 * n], readings[2 * n + 1]
        assert original.error is None, original.error
        equal = regenerated.error is None and \
            _meaning(original.config) == _meaning(regenerated.config)
        out[(repo, p.file, p.env)] = (p.state, equal)
    return out


def test_the_corpus_has_what_the_issue_asks_for() -> None:
    files = [p for p in CORPUS.rglob("wrangler.*")]
    assert len(files) >= 30 and len(REPOS) >= 8


@pytest.mark.parametrize("repo", REPOS)
def test_the_imported_manifest_validates_clean(repo: str, runs: dict[str, Run]) -> None:
    result = validate_file(runs[repo].work / "project.toml")
    assert result.errors == 0, result.diagnostics


@pytest.mark.parametrize("repo", REPOS)
def test_wrangler_reads_what_import_claims(
    repo: str, runs: dict[str, Run],
    verdicts: dict[tuple[str, str, str | None], tuple[str, bool]],
) -> None:
    done = runs[repo].done
    located = {(d.file, d.code) for d in done.diagnostics}
    for (r, file, env), (state, equal) in verdicts.items():
        if r != repo:
            continue
        if state == EQUAL:
            assert equal, f"{file} env={env}: import says equal, wrangler reads a difference"
        elif state == DIFFERS:
            assert not equal, f"{file} env={env}: import says different, wrangler reads equal"
            assert (file, "CG505") in located
        else:
            assert state == NOT_IMPORTED
            assert {c for f, c in located if f == file} & {"CG501", "CG503", "CG504"}


@pytest.mark.parametrize("repo", REPOS)
def test_every_imported_original_is_regenerated_and_owned(repo: str,
                                                         runs: dict[str, Run]) -> None:
    run = runs[repo]
    project = validate_file(run.work / "project.toml").project
    assert project is not None
    outputs = {w.output for w in project.workers}
    imported = {p.file for p in run.done.pairs if p.state != NOT_IMPORTED}
    assert imported == outputs  # each worker's output is its original's path
    for path in outputs:
        (run.work / path).unlink()
    again = generate(run.work / "project.toml")
    assert again.ok, again.diagnostics
    assert outputs <= set(again.written)
    assert all((run.work / path).is_file() for path in outputs)


def test_proven_equal_originals_were_adopted(runs: dict[str, Run]) -> None:
    for run in runs.values():
        for file in run.done.adopted:
            states = {p.state for p in run.done.pairs if p.file == file}
            assert states == {EQUAL}
    assert sum(len(run.done.adopted) for run in runs.values()) > 0


# The limits docs/import.md names ("Known limits"), as import words them: every original
# that is not adopted must be explained by one of them, so a new kind of difference fails here.
KNOWN_LIMITS = (
    ("CG504", "CG105: worker"),  # no main/assets, or no compatibility_date
    ("CG504", "CG101: unknown key"),  # a key outside the pinned wrangler's schema
)


def test_every_original_not_adopted_is_a_known_limit(runs: dict[str, Run]) -> None:
    unexplained = []
    for repo, run in runs.items():
        for file in sorted(set(run.done.files) - set(run.done.adopted)):
            found = [d for d in run.done.diagnostics if d.file == file]
            if not any(d.code == code and text in d.message for d in found
                       for code, text in KNOWN_LIMITS):
                unexplained.append((repo, file, [(d.code, d.message) for d in found]))
    assert unexplained == []


def test_env_files_of_real_repositories_read_back_alike(runs: dict[str, Run]) -> None:
    """confgen/dts_fast.py on the Env files generated for the corpus: wherever the strict
    reader answers, tree-sitter's reading is the same, and it answers for nearly all."""
    texts = [p.read_text(encoding="utf-8") for run in runs.values()
             for p in run.work.rglob(envtypes.TS_OUTPUT)]
    texts = [t for t in texts if t.startswith("// Generated by confgen")]
    answered = 0
    for text in texts:
        fast = dts_fast.read(text)
        if fast is not None:
            answered += 1
            assert fast == envtypes.parse_back_tree_sitter(text)
    assert len(texts) >= 200 and answered >= 0.9 * len(texts)
