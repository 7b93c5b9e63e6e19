"""A stand-in for wrangler in the `confgen deploy` tests (run as `python stand_in_wrangler.py`).

Every call appends one JSON line to $STANDIN_RECORD: the arguments, the working folder and,
when `--secrets-file` is given, what the file held, as names with the sha256 of each value
(never a value: the tests prove no value reaches the disk), and the file's and its folder's
permission bits. Controls, by environment variable:

* STANDIN_VERSION: what `--version` prints (default 4.164.0);
* STANDIN_FAIL: the worker (the folder holding the `-c` file) whose deploy fails: exit 1
  after printing some output, the secret values it was given among it;
* STANDIN_HANG: the worker whose deploy records itself, then waits to be interrupted.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path


def main(args: list[str]) -> int:
    if args == ["--version"]:
        print(f" ⛅️ wrangler {os.environ.get('STANDIN_VERSION', '4.164.0')}")
        return 0
    worker = Path(args[args.index("-c") + 1]).parent.name if "-c" in args else ""
    entry: dict[str, object] = {"args": args, "cwd": os.getcwd(), "worker": worker}
    values: dict[str, str] = {}
    if "--secrets-file" in args:
        path = Path(args[args.index("--secrets-file") + 1])
        values = json.loads(path.read_text())
        entry["secrets_file"] = str(path)
        entry["secrets"] = {k: hashlib.sha256(v.encode()).hexdigest() for k, v in values.items()}
        entry["file_mode"] = stat.S_IMODE(path.stat().st_mode)
        entry["folder_mode"] = stat.S_IMODE(path.parent.stat().st_mode)
    with open(os.environ["STANDIN_RECORD"], "a", encoding="utf-8") as record:
        record.write(json.dumps(entry) + "\n")
    if worker == os.environ.get("STANDIN_HANG"):
        time.sleep(120)
    if worker == os.environ.get("STANDIN_FAIL"):
        print(f"uploading {worker} with {', '.join(values.values())}")
        print("✘ [ERROR] A request to the Cloudflare API failed: stand-in failure", file=sys.stderr)
        return 1
    print(f"Uploaded {worker}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
