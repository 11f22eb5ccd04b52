"""`sendiass check` beside loading the same file: seconds and peak RSS, on a synthetic export.

The export is made as bench/suite.py makes its ingest files (`sendiass sample --scale` with one
service and one year: every column, labels, names, notes, dd/mm/yyyy dates). Both are timed as
subprocesses from a cold start, imports included: the `sendiass check` command (it also writes its
HTML page), and `load_file` into a fresh database (suite.OURS). Each is given in wall seconds and in
CPU seconds (user + system, of the process and its threads): on a shared machine the CPU figure is
the steadier. Aim: check takes no longer than the load. Timings, not tests: nothing fails on a
slow run.
Run: .venv/bin/python bench/check.py [--sizes 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

from suite import BIN, OURS, SCALE_SERVICE, Run, machine, run, scale_env, scale_set


def timed(cmd: list[str], env: dict) -> tuple[Run, float]:
    """suite.run, and the CPU seconds (user + system) the command used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = run(cmd, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def check_rows(tmp: Path, sizes: list[int]) -> list[tuple[str, str, str, str, str]]:
    """(step, check, load, ratio, peak RSS check / load) for an export of each size."""
    rows = []
    for size in sizes:
        folder = tmp / f"check-{size}"
        written = scale_set(folder, services=1, years=1, per_year=size)
        [extract] = sorted((folder / "sample").rglob("involvements_*.csv"))
        env = scale_env(folder)
        checked, check_cpu = timed(
            [str(BIN / "sendiass"), "check", str(extract), "--service", SCALE_SERVICE, "--out", str(folder)],
            env,
        )
        loaded, load_cpu = timed(
            [sys.executable, "-c", OURS, str(extract), str(folder / "load.duckdb"), SCALE_SERVICE], env
        )
        mb = extract.stat().st_size / 1e6
        rows.append(
            (
                f"check vs load, {written:,} involvements ({mb:.0f} MB CSV)",
                f"{checked.seconds:.2f} s ({check_cpu:.1f} s CPU)",
                f"{loaded.seconds:.2f} s ({load_cpu:.1f} s CPU)",
                f"{checked.seconds / loaded.seconds:.2f}x ({check_cpu / load_cpu:.2f}x CPU)",
                f"{checked.peak_mb:.0f} / {loaded.peak_mb:.0f} MB",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sendiass-bench-check-") as tmp:
        table = check_rows(Path(tmp), args.sizes)
    header = (
        "step",
        "`sendiass check`",
        "`load_file` (fresh DB)",
        "ratio (aim <= 1.0x)",
        "peak RSS check / load",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for line in table:
        print("| " + " | ".join(line) + " |")
    print(machine())


if __name__ == "__main__":
    main()
