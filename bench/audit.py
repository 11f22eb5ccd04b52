"""What the disclosure audit costs `make reports`, and what it hides, beside the code before it.

Two checkouts of this repository: HEAD and a base commit (default: the one before the audit, 593d5f9).
In each, from a fresh clone with its own environment and sample database, `sendiass reports --force`
builds every page of every sample service and year into an empty folder, timed (wall seconds, twice,
the better kept: the machine is shared). Then every page's `[c]` cells are counted per page type.
Aim: the audit adds at most 20% to `make reports`. Timings, not tests.
Run: .venv/bin/python bench/audit.py [--base REV] [--runs 2]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "593d5f9"  # the audit engine only: pages still protected line by line


def checkout(rev: str, into: Path) -> Path:
    """A clone of the repository at `rev`, with its environment and sample database built."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "-q", rev], check=True)
    subprocess.run(["make", "-C", str(into), "--silent", "env"], check=True, stdout=subprocess.DEVNULL)
    sendiass = into / ".venv" / "bin" / "sendiass"
    db = into / "data" / "processed" / "sample.duckdb"
    subprocess.run(
        [str(sendiass), "data", "--source", "sample", "--db", str(db), "--quiet"], check=True, cwd=into
    )
    return into


def reports(tree: Path, out: Path) -> float:
    """Seconds for `sendiass reports --force` into an empty folder."""
    db = tree / "data" / "processed" / "sample.duckdb"
    started = time.perf_counter()
    subprocess.run(
        [str(tree / ".venv" / "bin" / "sendiass"), "reports", "--db", str(db), "--out", str(out), "--force"],
        check=True,
        cwd=tree,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def hidden_cells(out: Path) -> Counter:
    """`[c]` table cells per page type, over every service and year."""
    found: Counter = Counter()
    for page in out.glob("*/*/*.html"):
        found[page.stem] += len(re.findall(r"<td[^>]*>\[c\]</td>", page.read_text(encoding="utf-8")))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE, help="the commit to compare with (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=2, help="builds per checkout; the fastest is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {
            name: checkout(rev, Path(tmp) / name) for name, rev in (("base", args.base), ("head", "HEAD"))
        }
        seconds, cells = {}, {}
        for _ in range(args.runs):
            for name, tree in trees.items():
                out = Path(tempfile.mkdtemp(dir=tmp))
                took = reports(tree, out)
                seconds[name] = min(seconds.get(name, took), took)
                cells[name] = hidden_cells(out)
    base, head = seconds["base"], seconds["head"]
    print("| step | before the audit | with the audit | ratio (aim <= 1.2x) |")
    print("|---|---|---|---|")
    step = "`sendiass reports --force`, every sample page"
    print(f"| {step} | {base:.1f} s | {head:.1f} s | {head / base:.2f}x |")
    print()
    print("| page type | [c] cells before | after |")
    print("|---|---|---|")
    for page in sorted(set(cells["base"]) | set(cells["head"])):
        print(f"| {page} | {cells['base'][page]} | {cells['head'][page]} |")
    total_base, total_head = sum(cells["base"].values()), sum(cells["head"].values())
    print(f"| all | {total_base} | {total_head} |")
    rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    print(f"\nbase {args.base}, head {rev.stdout.strip()}; {sys.platform}, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
