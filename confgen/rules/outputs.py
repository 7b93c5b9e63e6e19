"""Where outputs go: inside the manifest's folder, one output per path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from confgen import envtypes
from confgen.diagnostics import Issue, KeyPath
from confgen.model import LOCK, Project


def output_paths(project: Project) -> list[tuple[str, KeyPath, str]]:
    """(relative path as written, where declared, what) for every output."""
    outs = [(w.output, _declared(project, w.name), f"wrangler file of {w.name!r}")
            for w in project.workers]
    if project.domains is not None:
        outs.append((project.domains.output, ("domains", "output"), "domain-routes.json"))
    if project.router is not None:
        outs.append((project.router.output, ("router", "output"), "router table"))
    return outs + envtypes.output_paths(project)


def _declared(project: Project, worker: str) -> KeyPath:
    """Where a wrangler file's location comes from: the worker's `path`, else workers_dir."""
    if "path" in project.data["workers"][worker]:
        return ("workers", worker, "path")
    if "workers_dir" in project.data["project"]:
        return ("project", "workers_dir")
    return ("workers", worker)


def normalise(path: str) -> str | None:
    """Lexically normalised relative path, or None when it leaves the folder or is absolute."""
    if any(not c.isprintable() for c in path):
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


def output_locations(project: Project) -> Iterator[Issue]:
    claimed = {LOCK.lower(): f"confgen's own {LOCK}",
               project.manifest.lower(): f"the manifest {project.manifest}"}
    failed: set[str] = set()  # folders of wrangler files already reported
    for path, where, what in output_paths(project):
        if what.startswith("Env types") and any(path.startswith(f + "/") for f in failed):
            continue  # its worker's wrangler file has the same problem, reported once
        norm = normalise(path)
        if norm is None or norm.lower() in claimed:
            failed.add(str(PurePosixPath(path).parent))
        if norm is None:
            yield Issue("CG402", where, f"{what} would be written to {path!r}, which is not "
                        "a file inside the manifest's folder")
            continue
        key = norm.lower()  # two names that differ only in case collide on macOS and Windows
        if key in claimed:
            yield Issue("CG401", where, f"{what} and {claimed[key]} would both be written to "
                        f"{norm!r}")
        else:
            claimed[key] = what


RULES = (output_locations,)
