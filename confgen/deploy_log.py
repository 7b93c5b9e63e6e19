"""What `confgen deploy` prints: one progress line per step (text), or one JSON object per
line (`--format json`, a machine-readable log). Secret values never reach these: a step's
output has been redacted, and secrets are named with where their value came from."""

from __future__ import annotations

import json

from confgen.deploy import Outcome, Prepared, Refused, StepResult


def _target(prepared: Prepared) -> str:
    env = prepared.request.env
    return f"environment {env!r}" if env else "the top level"


def start_text(prepared: Prepared) -> list[str]:
    w = prepared.wrangler
    mode = "dry run (nothing is uploaded), " if prepared.request.dry_run else ""
    lines = [(f"confgen deploy: {_target(prepared)}, {mode}{len(prepared.steps)} step(s), "
             f"wrangler {w.version} via {w.found_by}")]
    for name, source in sorted(prepared.secrets.sources.items()):
        shown = "a placeholder (not set; a real deploy stops)" if source == "placeholder" \
            else source
        lines.append(f"  secret {name}: from {shown}")
    return lines


def step_text(result: StepResult) -> list[str]:
    status = result.status.upper() if result.status != "ok" else "ok"
    if result.returncode not in (None, 0):
        status += f" (exit {result.returncode})"
    where = f" -> {result.step.namespace}" if result.step.namespace else ""
    lines = [(f"[{result.number}/{result.total}] {result.step.worker}{where}  {status}  "
             f"{result.seconds:.1f}s  {result.command}")]
    if result.status == "failed" and result.output.strip():
        lines += ["  | " + line for line in result.output.rstrip().splitlines()]
    return lines


def end_text(prepared: Prepared, outcome: Outcome) -> list[str]:
    done = sum(1 for r in outcome.results if r.status == "ok")
    total = len(prepared.steps)
    if outcome.status == "ok":
        verb = "checked (dry run)" if prepared.request.dry_run else "deployed"
        return [f"confgen deploy: {done} of {total} step(s) {verb} in {outcome.seconds:.1f}s"]
    stopped = outcome.results[-1]
    what = "interrupted during" if outcome.status == "interrupted" else "stopped at"
    return [(f"confgen deploy: {what} step {stopped.number} of {total} ({stopped.step.worker}) "
            f"after {outcome.seconds:.1f}s; {done} step(s) before it done, "
            f"{total - stopped.number} not run"),
            f"resume with: {outcome.resume}"]


def start_json(prepared: Prepared) -> str:
    w = prepared.wrangler
    return json.dumps({
        "event": "start", "env": prepared.request.env, "dry_run": prepared.request.dry_run,
        "wrangler": {"version": w.version, "found_by": w.found_by, "command": list(w.argv)},
        "steps": [s.worker for s in prepared.steps],
        "secrets": [{"name": n, "from": src}
                    for n, src in sorted(prepared.secrets.sources.items())]})


def step_json(result: StepResult) -> str:
    return json.dumps(result.as_dict())


def end_json(prepared: Prepared, outcome: Outcome) -> str:
    return json.dumps({"event": "end", "status": outcome.status,
                       "seconds": round(outcome.seconds, 3),
                       "done": [r.step.worker for r in outcome.results if r.status == "ok"],
                       "resume": outcome.resume})


def refused_json(exc: Refused) -> str:
    return json.dumps({"event": "refused", "message": str(exc),
                       "missing_secrets": list(exc.missing),
                       "diagnostics": [d.as_dict() for d in exc.diagnostics]})
