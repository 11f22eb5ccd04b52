"""Time what a service manager waits for on a fresh clone: set-up, first report, a no-op rebuild.

Clones the committed HEAD into a temporary folder (so local changes and an existing .venv do not
help), then times, in that clone:
  1. `make env`  with empty pip and uv caches (a machine that never installed the stack), and
     again with the caches this machine already has (`--warm` to skip the cold run);
  2. `make report YEAR=2024 COUNTY=worcs` with the environment ready (loads the database, runs and
     exports the notebook);
  3. the same command again with nothing changed (should do no work).
Prints one line per figure. Standard library only: run it with any python3.
Aims (issue 3): first report <= 10 s once the environment exists; no-op <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ["make", "--no-print-directory", "report", "YEAR=2024", "COUNTY=worcs"]


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", action="store_true", help="skip the empty-cache set-up run")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f", commit {commit}"
    )
    with tempfile.TemporaryDirectory(prefix="sendiass-bench-") as tmp:
        tmp = Path(tmp)
        clone = tmp / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        if not args.warm:
            cold = dict(os.environ, PIP_NO_CACHE_DIR="1", UV_CACHE_DIR=str(tmp / "uv-cache"))
            print(f"environment set-up, empty caches:       {timed(['make', 'env'], clone, cold):6.1f} s")
            subprocess.run(["rm", "-rf", str(clone / ".venv")], check=True)
        print(f"environment set-up, warm caches:        {timed(['make', 'env'], clone):6.1f} s")
        print(f"first report (environment ready):       {timed(REPORT, clone):6.1f} s   aim <= 10 s")
        print(f"no-op rebuild (nothing changed):        {timed(REPORT, clone):6.2f} s   aim <= 1 s")
        page = clone / "outputs" / "2024" / "worcs" / "involvements.html"
        print(f"page size:                              {page.stat().st_size / 1024:6.1f} KB")


if __name__ == "__main__":
    main()
