"""What the source checks (issue #11) cost validate, on the bundled project and on a
generated fleet of 1,000 workers with their code.

Each figure is the median of cold runs: a fresh Python process per run (start-up and
imports included), paired with its baseline, the same validate without the source
scan (`validate_text(..., sources=False)`: manifest rules only). The in-process rows
split the scan into reading + parsing and the walk over the trees.
Run: .venv/bin/python benchmarks/sources.py [--workers N] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = ("import sys; from pathlib import Path; from confgen import load; "
            "from confgen.validate import validate_text; "
            "r = validate_text(load.read(Path('project.toml')), 'project.toml', Path('.'), "
            "sources=False); sys.exit(1 if r.errors else 0)")

INDEX_TS = """\
import {{ handle }} from "./handlers";
import {{ Limiter }} from "./lib/limits";

export {{ Session }} from "./lib/session";

export default {{
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {{
    const limiter = new Limiter(env.RATE_KV, {n});
    if (await limiter.blocked(request.headers.get("cf-connecting-ip") ?? "")) {{
      return new Response("slow down", {{ status: 429 }});
    }}
    ctx.waitUntil(env.NEXT.fetch("https://next/ping"));
    return handle(request, env);
  }},
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {{
    const {{ REGION = "eu", API_TOKEN }} = env;
    await env.RATE_KV.put(`cron:${{controller.cron}}`, `${{REGION}}:${{API_TOKEN.length}}`);
  }},
}} satisfies ExportedHandler<Env>;
"""
HANDLERS_TS = """\
export async function handle(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const session = env.SESSIONS.get(env.SESSIONS.idFromName(url.pathname));
  switch (url.pathname) {
    case "/health":
      return new Response("ok");
    case "/whoami":
      return session.fetch(request);
    default: {
      const body = JSON.stringify({ worker: env.WORKER_NAME, region: env.REGION, path: url.pathname });
      return new Response(body, { headers: { "content-type": "application/json" } });
    }
  }
}
""" + "".join(f"""
export function helper{i}(input: string): string {{
  const parts = input.split("/").filter((p) => p.length > {i % 5});
  return parts.map((p, j) => `${{j}}:${{p.toUpperCase()}}`).join("|");
}}
""" for i in range(12))
LIMITS_TS = """\
export class Limiter {
  constructor(private kv: KVNamespace, private limit: number) {}

  async blocked(client: string): Promise<boolean> {
    const key = `rl:${client}:${Math.floor(Date.now() / 60_000)}`;
    const count = Number((await this.kv.get(key)) ?? "0") + 1;
    await this.kv.put(key, String(count), { expirationTtl: 120 });
    return count > this.limit;
  }
}
"""
SESSION_TS = """\
import { DurableObject } from "cloudflare:workers";

export class Session extends DurableObject<Env> {
  async fetch(request: Request): Promise<Response> {
    const seen = ((await this.ctx.storage.get<number>("seen")) ?? 0) + 1;
    await this.ctx.storage.put("seen", seen);
    return new Response(`${this.env.WORKER_NAME}: ${seen}`);
  }
}
"""
ENTRY_PY = """\
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        env = self.env
        await env.NEXT.fetch("https://next/ping")
        count = await env.RATE_KV.get("count")
        return Response(f"{env.WORKER_NAME} {env.REGION} {self.env.API_TOKEN[:0]} {count}")

    async def scheduled(self, controller, env, ctx):
        await self.env.RATE_KV.put("cron", controller.cron)

    async def on_session(self):
        return self.env.SESSIONS
"""


def write_fleet(root: Path, count: int) -> None:
    """project.toml with `count` workers (every tenth in Python) and their code."""
    def next_of(n: int) -> str:
        return "edge" if n % 10 == 0 else f"w{n - n % 10:04d}"

    lines = ['[project]', 'name = "fleet"', 'compatibility_date = "2025-10-01"',
             'external_services = ["edge"]', '',
             '[environments.production]', 'vars = { STAGE = "production" }',
             '[environments.staging]', 'vars = { STAGE = "staging" }', '',
             '[defaults]', 'main = "src/index.ts"', 'vars = { REGION = "eu" }', '']
    for n in range(count):
        name = f"w{n:04d}"
        python = n % 10 == 9
        cls = "Default" if python else "Session"
        lines += [f"[workers.{name}]"]
        if python:
            lines += ['main = "src/entry.py"', 'compatibility_flags = ["python_workers"]']
        lines += [
            f'kv_namespaces = [{{ binding = "RATE_KV", id = "{n:032x}" }}]',
            # each worker binds its group's first worker, which binds an external
            # service: no long chains (rules/graph.py recurses along them)
            f'services = [{{ binding = "NEXT", service = "{next_of(n)}" }}]',
            f'vars = {{ WORKER_NAME = "{name}" }}',
            'secrets = ["API_TOKEN"]',
            'triggers = { crons = ["*/5 * * * *"] }',
            ('wrangler = { durable_objects = { bindings = [{ name = "SESSIONS", '
             f'class_name = "{cls}" }}] }}, migrations = [{{ tag = "v1", '
             f'new_sqlite_classes = ["{cls}"] }}] }}'),
            "",
        ]
        src = root / "workers" / name / "src"
        (src / "lib").mkdir(parents=True)
        if python:
            (src / "entry.py").write_text(ENTRY_PY)
            continue
        (src / "index.ts").write_text(INDEX_TS.format(n=10 + n % 50))
        (src / "handlers.ts").write_text(HANDLERS_TS)
        (src / "lib" / "limits.ts").write_text(LIMITS_TS)
        (src / "lib" / "session.ts").write_text(SESSION_TS)
    (root / "project.toml").write_text("\n".join(lines))


def run(args: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=cwd, check=False,
                          capture_output=True, text=True)
    return (time.perf_counter() - start) * 1000, done.returncode, done.stdout


def median(args: list[str], cwd: Path, runs: int) -> tuple[float, float, float]:
    samples = [run(args, cwd)[0] for _ in range(runs)]
    return statistics.median(samples), min(samples), max(samples)


def in_process(root: Path) -> tuple[int, int, float, float]:
    """(files, lines, read+parse ms, whole scan ms) in this process, warm imports."""
    from confgen import load, resolve
    from confgen.source import javascript, python
    from confgen.source.scan import scan_project

    loaded = load.parse((root / "project.toml").read_bytes(), "project.toml", root)
    assert not isinstance(loaded, load.Diagnostic)  # type: ignore[attr-defined]
    project = resolve.build(loaded.data)
    start = time.perf_counter()
    sources = scan_project(project, root)
    whole = (time.perf_counter() - start) * 1000
    files = [f for w in sources.workers.values() if w for f in w.files]
    texts = [(f, (root / f).read_bytes()) for f in files]
    start = time.perf_counter()
    for f, data in texts:
        if f.endswith(".py"):
            python.ast.parse(data)
        else:
            javascript.parser(javascript.grammar_for(f)).parse(data)
    parse = (time.perf_counter() - start) * 1000
    return len(files), sum(t.count(b"\n") for _, t in texts), parse, whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        bundled = Path(scratch) / "bundled"
        bundled.mkdir()
        shutil.copy(REPO / "project.toml", bundled / "project.toml")
        shutil.copytree(REPO / "workers", bundled / "workers")
        fleet = Path(scratch) / "fleet"
        fleet.mkdir()
        write_fleet(fleet, options.workers)
        for label, root in (("bundled project (10 workers)", bundled),
                            (f"fleet of {options.workers} workers", fleet)):
            _, code, out = run(["-m", "confgen", "validate"], root)
            assert code == 0, out[-2000:]  # the fleet is clean: what is timed is the check
            files, lines, parse, whole = in_process(root)
            base = median(["-c", BASELINE], root, options.runs)
            full = median(["-m", "confgen", "validate"], root, options.runs)
            check = median(["-m", "confgen", "generate", "--check"], root, options.runs) \
                if root is bundled else None
            rows.append((label, files, lines, parse, whole, base, full, check))
    print(f"Python {sys.version.split()[0]}, median of {options.runs} cold runs "
          "(min-max); in-process scan after warm imports")
    print(f"{'project':30} {'files':>6} {'lines':>7} {'parse ms':>9} {'scan ms':>8} "
          f"{'validate, no scan':>20} {'validate':>20} {'added':>7}")
    for label, files, lines, parse, whole, base, full, _ in rows:
        print(f"{label:30} {files:6d} {lines:7d} {parse:9.1f} {whole:8.1f} "
              f"{base[0]:8.0f} ({base[1]:.0f}-{base[2]:.0f}) {full[0]:8.0f} "
              f"({full[1]:.0f}-{full[2]:.0f}) {full[0] - base[0]:+7.0f}")
    for label, *_, check in rows:
        if check is not None:
            print(f"{label}: confgen generate --check {check[0]:.0f} ms "
                  f"({check[1]:.0f}-{check[2]:.0f})")


if __name__ == "__main__":
    main()
