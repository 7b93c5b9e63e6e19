"""Read wrangler configuration files with the pinned wrangler's own reader.

`read_many([(path, env), ...])` runs `unstable_readConfig` (exported by the wrangler package
in `.cache/wrangler/node_modules/wrangler`, see `tests/wrangler_tool.py`) on each config and
environment in **one** Node process (`tests/wrangler_reader.cjs`), offline, and returns what
wrangler makes of it: its normalized config as a dict, the warnings it printed and the error it
raised. `env=None` reads the top level (no `-e`).

The dict is wrangler's `Config` with every absolute path under the config's folder made
relative to that folder (`main: "src/index.ts"`, `configPath: "wrangler.toml"`), so two files
at different places compare equal when they mean the same. Keys wrangler fills with defaults
(`durable_objects: {bindings: []}`, `jsx_factory`...) are kept: both sides of a comparison get
the same defaults.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wrangler_tool

SCRIPT = Path(__file__).resolve().parent / "wrangler_reader.cjs"
PACKAGE = wrangler_tool.WRANGLER_DIR / "node_modules" / "wrangler"
TIMEOUT = 300.0


@dataclass(frozen=True)
class Reading:
    """wrangler's reading of one config file in one environment (None: the top level)."""

    path: Path
    env: str | None
    config: dict[str, Any] | None  # None when wrangler refused the file (see `error`)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def name(self) -> str | None:
        """The script name wrangler computes (`<name>-<env>` unless the env sets `name`)."""
        return None if self.config is None else self.config.get("name")

    @property
    def environments(self) -> list[str]:
        """The environments the file declares, as wrangler lists them."""
        return [] if self.config is None else list(self.config.get("definedEnvironments", []))


def _relativize(value: Any, folder: str) -> Any:
    if isinstance(value, dict):
        return {k: _relativize(v, folder) for k, v in value.items()}
    if isinstance(value, list):
        return [_relativize(v, folder) for v in value]
    if isinstance(value, str) and os.path.isabs(value):
        # wrangler resolves paths against the file's folder; a path up to two folders
        # above it (`../Dockerfile`) is written back relative, like one below it
        near = [folder, os.path.dirname(folder), os.path.dirname(os.path.dirname(folder))]
        if any(value == f or value.startswith(f + os.sep) for f in near if len(f) > 1):
            return Path(os.path.relpath(value, folder)).as_posix()
    return value


def read_many(requests: Sequence[tuple[Path, str | None]]) -> list[Reading]:
    """wrangler's readings of many (config, env) pairs, in order, from one Node process."""
    if not requests:
        return []
    wrangler_tool._require()
    paths = [Path(p).resolve() for p, _ in requests]
    payload = [{"config": str(p), "env": env} for p, (_, env) in zip(paths, requests)]
    scratch = Path(tempfile.mkdtemp(prefix="confgen-reader-"))
    try:
        proc = subprocess.run(
            [str(wrangler_tool.node_bin()), str(SCRIPT), str(PACKAGE)],
            input=json.dumps(payload).encode(),
            cwd=scratch,
            env=wrangler_tool._env(scratch),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"wrangler_reader.cjs exited with {proc.returncode}:\n"
            + proc.stderr.decode("utf-8", "replace")
        )
    results = json.loads(proc.stdout)
    readings = []
    for path, (_, env), result in zip(paths, requests, results):
        config = result["config"]
        if config is not None:
            config = _relativize(config, str(path.parent))
        readings.append(
            Reading(
                path=path,
                env=env,
                config=config,
                warnings=[wrangler_tool.strip_ansi(w) for w in result["warnings"]],
                error=None if result["error"] is None else wrangler_tool.strip_ansi(result["error"]),
            )
        )
    return readings


def read(path: Path, env: str | None = None) -> Reading:
    return read_many([(path, env)])[0]


def read_all_environments(paths: Sequence[Path]) -> dict[Path, dict[str | None, Reading]]:
    """Every file at the top level and in every environment it declares: two Node processes
    in all (top levels first, to learn the environment names, then every environment)."""
    tops = read_many([(p, None) for p in paths])
    out: dict[Path, dict[str | None, Reading]] = {r.path: {None: r} for r in tops}
    envs = [(r.path, e) for r in tops for e in r.environments]
    for r in read_many(envs):
        out[r.path][r.env] = r
    return out
