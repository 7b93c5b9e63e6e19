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
