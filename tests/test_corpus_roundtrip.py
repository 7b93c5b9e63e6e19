"""The real-config corpus, expressed as manifests, compiles back to what wrangler read.

Each `tests/corpus_manifests/<repo>/<name>.toml` expresses wrangler files of
`tests/corpus/<repo>/` (one worker per file, its `path` the file's folder; a repository of
independent projects has one manifest per project). A manifest is generated in a scratch copy
of that folder, and wrangler's own reader (`unstable_readConfig`,
tests/wrangler_reader.py) reads the generated file and the original at the top level and in
every environment the original declares: the two readings must be equal, key for key (only
the file's own path differs), and the generated file must declare the same environments.

Needs `scripts/install-wrangler` (never skips).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import wrangler_reader as wr

from confgen.generate import generate
from confgen.validate import validate_file

pytestmark = pytest.mark.wrangler

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "corpus"
MANIFESTS = TESTS / "corpus_manifests"
NAMES = ("wrangler.toml", "wrangler.json", "wrangler.jsonc")
# The file's own location: the only keys allowed to differ.
OWN_PATH = ("configPath", "userConfigPath")

MANIFEST_FILES = sorted(MANIFESTS.glob("*/*.toml"))


@dataclass(frozen=True)
class Pair:
    worker: str
    original: Path
    generated: Path


def original_of(repo: str, folder: str) -> Path:
    found = [CORPUS / repo / folder / n for n in NAMES if (CORPUS / repo / folder / n).is_file()]
    assert len(found) == 1, f"{repo}/{folder}: expected one wrangler file, found {found}"
    return found[0]


def compile_repo(manifest: Path, scratch: Path) -> list[Pair]:
    """The corpus folder without its wrangler files, plus the manifest, generated."""
    repo = manifest.parent.name
    root = scratch / repo
    shutil.copytree(CORPUS / repo, root, ignore=shutil.ignore_patterns(*NAMES))
    shutil.copy(manifest, root / "project.toml")
    result = validate_file(root / "project.toml")
    assert result.project is not None and not result.errors, "\n".join(
        f"{d.line}:{d.column} {d.code} {d.message}" for d in result.diagnostics)
    done = generate(root / "project.toml")
    assert done.ok, [f"{d.code} {d.message}" for d in done.diagnostics]
    return [Pair(w.name, original_of(repo, w.dir), root / w.output)
            for w in result.project.workers]


def comparable(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """The reading without the file's own path; the order of env sections means nothing."""
    if config is None:
        return None
    out = {k: v for k, v in config.items() if k not in OWN_PATH}
    out["definedEnvironments"] = sorted(out.get("definedEnvironments", []))
    return out


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in b:
                out.append(f"{path}.{key}: only in the original: {a[key]!r}")
            elif key not in a:
                out.append(f"{path}.{key}: only in the generated file: {b[key]!r}")
            else:
                out += differences(a[key], b[key], f"{path}.{key}")
        return out
    return [] if a == b else [f"{path}: original {a!r}, generated {b!r}"]


@pytest.mark.parametrize("manifest", MANIFEST_FILES,
                         ids=[f"{p.parent.name}/{p.stem}" for p in MANIFEST_FILES])
def test_corpus_file_round_trips_through_a_manifest(manifest: Path, tmp_path: Path) -> None:
    pairs = compile_repo(manifest, tmp_path)
    tops = wr.read_many([p for pair in pairs for p in ((pair.original, None),
                                                       (pair.generated, None))])
    requests: list[tuple[Path, str | None]] = []
    for pair, original_top, generated_top in zip(pairs, tops[::2], tops[1::2]):
        assert original_top.error is None, original_top.error
        # the same environments (their order in the file means nothing)
        assert sorted(generated_top.environments) == sorted(original_top.environments), \
            pair.worker
        for env in original_top.environments:
            requests += [(pair.original, env), (pair.generated, env)]
    envs = wr.read_many(requests)
    readings = list(zip(tops[::2], tops[1::2])) + list(zip(envs[::2], envs[1::2]))
    problems = []
    for original, generated in readings:
        diff = differences(comparable(original.config), comparable(generated.config))
        if generated.error != original.error:
            diff.append(f"error: original {original.error!r}, generated {generated.error!r}")
        if diff:
            where = original.path.relative_to(CORPUS).as_posix()
            problems.append(f"{where} [{original.env or 'top'}]:\n  " + "\n  ".join(diff))
    assert not problems, "\n".join(problems)


def test_most_of_the_corpus_is_expressed() -> None:
    expressed = set()
    for manifest in MANIFEST_FILES:
        repo, text = manifest.parent.name, manifest.read_text()
        for n in NAMES:
            expressed |= {p for p in (CORPUS / repo).rglob(n)
                          if f'path = "{p.parent.relative_to(CORPUS / repo).as_posix()}"' in text}
    corpus = {p for n in NAMES for p in CORPUS.rglob(n)}
    assert len(expressed) >= 25, sorted(str(p) for p in corpus - expressed)
