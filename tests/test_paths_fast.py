"""The fast path helpers mean exactly what the slow ones they replaced meant.

confgen.paths.normalise splits strings itself (it used PurePosixPath), and
confgen.placement resolves a path one folder at a time, keeping every resolved folder
(it called os.path.realpath on every whole path). Both are checked against the
originals on random paths, the resolver in a folder full of links: inward, outward,
chained, looping and dangling.
"""

from __future__ import annotations

import os
import random
from pathlib import Path, PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from confgen.paths import normalise
from confgen.placement import _Resolver


def normalise_as_before(path: str) -> str | None:
    if not path or any(not c.isprintable() for c in path):
        return None
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or (len(path) > 1 and path[1] == ":"):
        return None
    parts: list[str] = []
    for part in pure.parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) if parts else None


PIECES = st.sampled_from(["a", "b", ".", "..", "/", "//", "\\", ":", "c:", "\x00", " ", "é",
                          "\u2028", "x.toml"])


@settings(max_examples=3000)
@given(st.lists(PIECES, max_size=10).map("".join))
def test_normalise_is_what_purepath_made_of_it(path: str) -> None:
    assert normalise(path) == normalise_as_before(path)


NAMES = ["a", "b", "c", "..", ".", "", "out", "in", "loop", "up", "dangling", "x", "new",
         "upup", "m1", "rel"]


def test_the_resolver_is_realpath_under_links(tmp_path: Path) -> None:
    base = Path(os.path.realpath(tmp_path))
    root, outside = base / "root", base / "outside"
    (root / "a" / "b").mkdir(parents=True)
    (root / "c").mkdir()
    (outside / "x").mkdir(parents=True)
    for name, target in [("out", "../outside"), ("in", "a/b"), ("loop", "loop"),
                         ("a/up", "../c"), ("dangling", "/nonexistent/q"),
                         ("c/upup", "../.."), ("m1", "m2"), ("m2", "m1"), ("c/rel", "a/../c")]:
        os.symlink(target, root / name)
    resolve = _Resolver(root)
    rng = random.Random(7)
    for _ in range(20000):
        raw = "/".join(rng.choice(NAMES) for _ in range(rng.randint(1, 6)))
        if raw.startswith("/"):
            continue
        assert resolve(raw) == Path(os.path.realpath(root / raw)), raw


def test_the_write_stage_finds_each_folder_where_realpath_does(tmp_path: Path) -> None:
    """fs.Tree resolves an output's folder with one lstat per new folder while no link is
    on the way, realpath of the whole path otherwise: the same parts under the root, or
    the same refusal, as os.path.realpath of every whole path (which it called before),
    whatever order the folders come in."""
    from confgen import fs

    base = Path(os.path.realpath(tmp_path))
    root, outside = base / "root", base / "outside"
    (root / "a" / "b").mkdir(parents=True)
    (root / "c").mkdir()
    (root / "file").write_text("x")
    (outside / "x").mkdir(parents=True)
    for name, target in [("out", "../outside"), ("in", "a/b"), ("loop", "loop"),
                         ("a/up", "../c"), ("dangling", "/nonexistent/q"),
                         ("c/upup", "../.."), ("m1", "m2"), ("m2", "m1"),
                         ("outside_back", str(root / "a"))]:
        os.symlink(target, root / name)
    os.symlink(str(root / "a"), outside / "back")

    def as_before(folder: str) -> tuple[str, ...] | None:
        real = Path(os.path.realpath(root / folder))
        return real.relative_to(root).parts if real == root or root in real.parents else None

    names = ["a", "b", "c", "x", "file", "out", "in", "loop", "up", "dangling", "upup", "m1",
             "back", "outside_back", "new"]
    rng = random.Random(11)
    tree = fs.Tree(root, -1)  # _folder_parts opens nothing
    for _ in range(5000):
        folder = "/".join(rng.choice(names) for _ in range(rng.randint(1, 5)))
        try:
            found: tuple[str, ...] | None = tree._folder_parts(f"{folder}/out.json")
        except fs.Refused:
            found = None
        assert found == as_before(folder), folder
