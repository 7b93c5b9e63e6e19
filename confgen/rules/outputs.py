"""Where outputs go: inside the manifest's folder, one output per path."""

from __future__ import annotations

from collections.abc import Iterator

from confgen import envtypes
from confgen.diagnostics import Issue, KeyPath
from confgen.lockfile import lock_name
from confgen.model import Project
from confgen.paths import normalise, unportable


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


def _reserved_for_others(path: str) -> str | None:
    """Paths that belong to git or to another manifest's lock, never to an output."""
    parts = path.lower().split("/")
    if ".git" in parts:
        return "it is inside .git, which belongs to git"
    if parts[-1].endswith("confgen.lock"):
        return "that is the name of a confgen lock"
    return None


def output_locations(project: Project) -> Iterator[Issue]:
    lock = lock_name(project.manifest)
    claimed = {lock.lower(): f"confgen's own {lock}",
               project.manifest.lower(): f"the manifest {project.manifest}"}
    folders: dict[str, str] = {}  # every folder an output needs -> that output
    paths = output_paths(project)
    for path, where, what in paths:
        norm = normalise(path)
        if norm is None:
            yield Issue("CG402", where, f"{what} would be written to {path!r}, which is not "
                        "a file inside the manifest's folder")
            continue
        reason = unportable(path) or (None if norm.lower() in claimed
                                      else _reserved_for_others(norm))
        if reason is not None:
            yield Issue("CG403", where, f"{what} would be written to {path!r}: {reason}")
            continue
        key = norm.lower()  # two names that differ only in case collide on macOS and Windows
        if key in claimed:
            yield Issue("CG401", where, f"{what} and {claimed[key]} would both be written to "
                        f"{norm!r}")
            continue
        claimed[key] = what
        parts = key.split("/")
        for n in range(1, len(parts)):
            folders.setdefault("/".join(parts[:n]), what)
    for path, where, what in paths:
        norm = normalise(path)
        if norm is not None and norm.lower() in folders and claimed.get(norm.lower()) == what:
            yield Issue("CG401", where, f"{what} would be written to {norm!r}, the folder that "
                        f"{folders[norm.lower()]} needs")


RULES = (output_locations,)
