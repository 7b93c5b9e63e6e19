"""Run the pinned `wrangler types` and TypeScript compiler (tests/wrangler/package.json).

Both come from .cache/wrangler (scripts/install-wrangler, run by `make test`). Nothing
here skips: a missing or stale install raises RuntimeError saying how to install it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from wrangler_tool import WRANGLER_DIR, _env, _require, _scratch, _wrangler_cmd, node_bin

TSC_JS = WRANGLER_DIR / "node_modules" / "typescript" / "bin" / "tsc"
TIMEOUT = 180.0
# What a Workers project's tsconfig.json says (the Cloudflare templates' settings).
COMPILER_OPTIONS = {
    "target": "es2022", "module": "es2022", "moduleResolution": "bundler",
    "lib": ["es2022"], "types": ["@cloudflare/workers-types"], "strict": True,
    "noEmit": True, "resolveJsonModule": True, "skipLibCheck": True, "jsx": "react-jsx",
}


def wrangler_types(config: Path, env: str | None = None) -> str:
    """The declaration `wrangler types --include-runtime=false` writes for `config`."""
    _require()
    with _scratch([config]) as scratch:
        # beside the config, as a user runs it: import("./src/index") paths match ours
        out = config.parent / "wrangler-types.d.ts"
        args = ["types", "--include-runtime=false", "-c", str(config), str(out)]
        if env is not None:
            args += ["--env", env]
        run = subprocess.run(_wrangler_cmd(*args), check=False, cwd=config.parent,
                             env=_env(scratch),
                             capture_output=True, text=True, timeout=TIMEOUT)
        if run.returncode != 0 or not out.is_file():
            raise RuntimeError(f"wrangler types failed ({run.returncode}):\n"
                               f"{run.stdout}\n{run.stderr}")
        text = out.read_text()
        out.unlink()
        return text


def tsc(worker_dir: Path, include: list[str]) -> subprocess.CompletedProcess[str]:
    """Type-check `include` (globs relative to worker_dir) with the pinned tsc and
    @cloudflare/workers-types, as a Workers project's tsconfig.json would."""
    _require()
    if not TSC_JS.is_file():
        raise RuntimeError(f"{TSC_JS} missing: run scripts/install-wrangler")
    (worker_dir / "tsconfig.json").write_text(json.dumps(
        {"compilerOptions": COMPILER_OPTIONS, "include": include}))
    modules = worker_dir / "node_modules"
    if not modules.exists():
        modules.symlink_to(WRANGLER_DIR / "node_modules", target_is_directory=True)
    try:
        return subprocess.run([str(node_bin()), str(TSC_JS), "-p", str(worker_dir)],
                              check=False, capture_output=True, text=True,
                              timeout=TIMEOUT)
    finally:
        modules.unlink()


def copy_worker(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("node_modules", ".wrangler"))
    return dest
