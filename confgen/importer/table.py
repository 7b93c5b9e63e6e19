"""The worker x environment table `confgen import` prints, as text or as JSON data."""

from __future__ import annotations

from typing import Any

from confgen.importer.prove import EQUAL, EXTRA, NOT_IMPORTED, Pair

SYMBOLS = {EQUAL: "equal", "differs": "DIFFERS", EXTRA: "extra", NOT_IMPORTED: "-"}
TOP = "(top)"


def _columns(pairs: tuple[Pair, ...]) -> list[str]:
    envs = sorted({p.env for p in pairs if p.env is not None})
    return [TOP, *envs]


def rows(pairs: tuple[Pair, ...]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in pairs:
        row = out.setdefault(p.file, {"file": p.file, "worker": p.worker, "environments": {}})
        row["environments"][TOP if p.env is None else p.env] = p.state
    return [out[f] for f in sorted(out)]


def counts(pairs: tuple[Pair, ...]) -> tuple[int, int]:
    """(pairs equal, pairs the originals have)."""
    real = [p for p in pairs if p.state != EXTRA]
    return sum(p.state == EQUAL for p in real), len(real)


def as_text(pairs: tuple[Pair, ...], adopted: int) -> str:
    columns = _columns(pairs)
    table = [["file", "worker", *columns]]
    for row in rows(pairs):
        cells = [SYMBOLS.get(row["environments"].get(c, ""), "") for c in columns]
        table.append([row["file"], row["worker"] or "(not imported)", *cells])
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table]
    equal, total = counts(pairs)
    files = len({p.file for p in pairs})
    lines.append("")
    lines.append(f"{equal}/{total} worker x environment pairs mean what the originals mean; "
                 f"{adopted}/{files} files proven equal and adopted in confgen.lock")
    return "\n".join(lines)


def as_data(pairs: tuple[Pair, ...], adopted: list[str]) -> dict[str, Any]:
    equal, total = counts(pairs)
    return {"workers": rows(pairs), "pairs_equal": equal, "pairs_total": total,
            "adopted": sorted(adopted)}
