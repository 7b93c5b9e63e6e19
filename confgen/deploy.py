"""`confgen deploy`: carry out `confgen plan` with the user's wrangler, step by step.

prepare() does every check before the first step (outputs current, environment, steps
chosen, every secret value present, wrangler found and supported) and raises Refused
otherwise; run() then runs one `wrangler deploy` per step, in plan order, stops at the
first failure and says how to resume. Nothing here prints: run() reports each finished
step to a callback, and returns the outcome.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import FrameType

from confgen import generate, secret_values
from confgen.diagnostics import Diagnostic
from confgen.load import Unreadable
from confgen.plan import CycleError, Step, plan
from confgen.record import field, record
from confgen.wrangler_exe import Wrangler, WranglerError, find

PRIVATE_FILE = "<private temp file>"  # how a step's secrets file is shown
DRY_RUN_VALUE = "confgen-dry-run-placeholder"  # stands in for a missing secret in --dry-run
STOP_GRACE = 10.0  # seconds wrangler gets to stop after SIGTERM, before SIGKILL


@record
class Request:
    """What the user asked for; also rebuilds the command line that resumes it."""

    manifest: Path
    env: str | None
    only: tuple[str, ...] = ()
    start: str | None = None  # --from
    dry_run: bool = False
    secrets_file: Path | None = None
    fmt: str = "text"
    manifest_given: str | None = None  # --manifest as typed (None: found upward)

    def command(self, start: str | None) -> str:
        args = ["confgen", "deploy"]
        if self.env is not None:
            args += ["--env", self.env]
        if self.manifest_given is not None:
            args += ["--manifest", self.manifest_given]
        if self.only:
            args += ["--only", ",".join(self.only)]
        if start:
            args += ["--from", start]
        if self.secrets_file is not None:
            args += ["--secrets-file", str(self.secrets_file)]
        if self.dry_run:
            args.append("--dry-run")
        if self.fmt != "text":
            args += ["--format", self.fmt]
        return shlex.join(args)


class Refused(Exception):
    """Nothing was run: the message says why (and what to do)."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = (),
                 missing: Sequence[str] = (), usage: bool = False) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.missing = tuple(missing)
        self.usage = usage  # the command line asked for something that does not exist


@record
class Prepared:
    request: Request
    root: Path  # the manifest's folder: wrangler runs there (the plan's -c paths)
    steps: tuple[Step, ...]
    wrangler: Wrangler
    secrets: secret_values.Found  # in --dry-run, a missing one's source is "placeholder"


@record
class StepResult:
    number: int
    total: int
    step: Step
    command: str  # what ran, as the plan prints it (the secrets file shown as PRIVATE_FILE)
    status: str  # "ok" | "failed" | "interrupted"
    seconds: float
    returncode: int | None
    output: str  # wrangler's stdout and stderr, secret values replaced by ***

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "event": "step", "number": self.number, "total": self.total,
            "worker": self.step.worker, "script": self.step.script,
            "namespace": self.step.namespace, "command": self.command,
            "status": self.status, "seconds": round(self.seconds, 3),
            "returncode": self.returncode, "output": self.output}
        return data


@record
class Outcome:
    status: str  # "ok" | "failed" | "interrupted"
    results: tuple[StepResult, ...] = field(default_factory=tuple)
    resume: str | None = None  # the command that carries on from the step that stopped
    seconds: float = 0.0


def select(steps: Sequence[Step], only: Sequence[str], start: str | None) -> list[Step]:
    """--only keeps the named workers (in plan order); --from starts at one of them."""
    names = [s.worker for s in steps]
    unknown = [n for n in (*only, *([start] if start else [])) if n not in names]
    if unknown:
        raise Refused(f"no worker {', '.join(map(repr, unknown))} in the plan "
                      f"(workers: {', '.join(names)})", usage=True)
    chosen = [s for s in steps if not only or s.worker in only]
    if start is not None:
        at = next((i for i, s in enumerate(chosen) if s.worker == start), None)
        if at is None:
            raise Refused(f"--from {start}: not among the --only workers ({', '.join(only)})",
                          usage=True)
        chosen = chosen[at:]
    return chosen


def prepare(request: Request, environ: Mapping[str, str]) -> Prepared:
    try:
        checked = generate.check(request.manifest)
    except Unreadable as exc:
        raise Refused(f"cannot read {request.manifest}: {exc}", usage=True) from None
    if not checked.ok:
        raise Refused("the generated files are not what the manifest says (as `confgen "
                      "generate --check` reports above): run `confgen generate`, review, "
                      "commit, then deploy", checked.diagnostics)
    from confgen.validate import validate_file

    project = validate_file(request.manifest).project
    assert project is not None  # check() passed, so the manifest validated
    if request.env is None and project.env_names:
        raise Refused(f"name the environment to deploy: --env "
                      f"{'|'.join(project.env_names)}", usage=True)
    if request.env is not None and request.env not in project.env_names:
        raise Refused(f"no environment {request.env!r} in {request.manifest} "
                      f"(declared: {', '.join(project.env_names) or 'none'})", usage=True)
    try:
        steps = select(plan(project, request.env), request.only, request.start)
    except CycleError as exc:
        raise Refused(str(exc)) from None
    names = {name for step in steps for name in step.secrets}
    try:
        found = secret_values.find(names, request.secrets_file, environ)
    except secret_values.SecretsError as exc:
        raise Refused(str(exc)) from None
    if found.missing and not request.dry_run:
        where = (f"the file {request.secrets_file} or " if request.secrets_file else "")
        raise Refused(f"{len(found.missing)} secret value(s) missing, set them in {where}"
                      f"environment variables of the same name: {', '.join(found.missing)}",
                      missing=found.missing)
    if found.missing:  # a dry run uploads nothing: check the rest with stand-in values
        found = secret_values.Found({**found.values, **dict.fromkeys(found.missing,
                                                                     DRY_RUN_VALUE)},
                                    {**found.sources, **dict.fromkeys(found.missing,
                                                                      "placeholder")}, ())
    try:
        wrangler = find(request.manifest.resolve().parent, environ)
    except WranglerError as exc:
        raise Refused(str(exc)) from None
    return Prepared(request, request.manifest.resolve().parent, tuple(steps), wrangler, found)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End wrangler and whatever it started (its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=STOP_GRACE)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a cancelled CI job) ends a deploy like Ctrl-C: cleaned up, resumable."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_step(prepared: Prepared, step: Step, environ: Mapping[str, str],
              scratch: Path) -> tuple[int, str]:
    values = {n: prepared.secrets.values[n] for n in step.secrets}
    files = secret_values.private_file(values) if step.secrets else nullcontext(None)
    with files as secrets_path:
        args = step.args(str(secrets_path) if secrets_path else None)
        if prepared.request.dry_run:
            args += ["--dry-run", "--outdir", str(scratch / step.worker)]
        proc = subprocess.Popen([*prepared.wrangler.argv, *args], cwd=prepared.root,
                                env=dict(environ), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            out, _ = proc.communicate()
        except BaseException:
            _stop(proc)
            raise
    return proc.returncode, out.decode("utf-8", "replace")


def shown_command(step: Step, dry_run: bool) -> str:
    args = step.args(PRIVATE_FILE) + (["--dry-run"] if dry_run else [])
    return shlex.join(["wrangler", *args])


def run(prepared: Prepared, environ: Mapping[str, str],
        on_step: Callable[[StepResult], None]) -> Outcome:
    """Every step in order; the first failure (or an interrupt) stops the rest."""
    results: list[StepResult] = []
    total = len(prepared.steps)
    began = time.monotonic()
    redact = prepared.secrets.values
    with _sigterm_interrupts(), tempfile.TemporaryDirectory(prefix="confgen-deploy-") as tmp:
        for number, step in enumerate(prepared.steps, start=1):
            start = time.monotonic()
            command = shown_command(step, prepared.request.dry_run)
            try:
                code, output = _run_step(prepared, step, environ, Path(tmp))
            except KeyboardInterrupt:
                code, output, status = None, "", "interrupted"
            except OSError as exc:
                code, status = None, "failed"
                output = f"cannot run {prepared.wrangler.argv[0]}: {exc.strerror}"
            else:
                status = "ok" if code == 0 else "failed"
            result = StepResult(number, total, step, command, status,
                                time.monotonic() - start, code,
                                secret_values.redact(output, redact))
            results.append(result)
            on_step(result)
            if status != "ok":
                return Outcome(status, tuple(results), prepared.request.command(step.worker),
                               time.monotonic() - began)
    return Outcome("ok", tuple(results), None, time.monotonic() - began)
