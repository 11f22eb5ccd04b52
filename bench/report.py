"""What the report document costs: `sendiass report` for one service-year with report.html and with
`--pages-only` (the appendices and index alone), in the same run, and the ratio. Aim: at most 1.2x.

Each build is the whole command as a user runs it, from a cold start, every page rebuilt (`--force`)
into a temporary folder, on the sample database (loaded first if missing). The two are run in turn,
`--rounds` times each, and the fastest of each is compared: on a shared machine the slower runs
measure the neighbours, not the command. CPU seconds (user + system, of the process and its kernels)
are given too: the steadier figure there. Timings, not tests: nothing fails on a slow run.
Run: .venv/bin/python bench/report.py [--service worcs --year 2024 --rounds 3]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

from suite import BIN, ROOT, Run, machine, run

SAMPLE_DB = ROOT / "data" / "processed" / "sample.duckdb"


def timed(cmd: list[str]) -> tuple[Run, float]:
    """suite.run, and the CPU seconds (user + system) the command and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = run(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(service: str, year: int, rounds: int) -> dict[str, list[tuple[Run, float]]]:
    """Both builds, `rounds` times each, in turn: {'with': [...], 'without': [...]}."""
    run([str(BIN / "sendiass"), "data", "--source", "sample", "--db", str(SAMPLE_DB), "--quiet"])
    found: dict[str, list[tuple[Run, float]]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="sendiass-bench-report-") as tmp:
        base = [str(BIN / "sendiass"), "report", "--service", service, "--year", str(year)]
        base += ["--db", str(SAMPLE_DB), "--out", str(Path(tmp)), "--force"]
        for _ in range(rounds):
            found["without"].append(timed([*base, "--pages-only"]))
            found["with"].append(timed(base))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="worcs")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    found = measure(args.service, args.year, args.rounds)
    best = {kind: min(runs, key=lambda pair: pair[0].seconds) for kind, runs in found.items()}
    cpu = {kind: min(seconds for _, seconds in runs) for kind, runs in found.items()}
    print(f"| `sendiass report --service {args.service} --year {args.year} --force` | wall s | CPU s |")
    print("|---|---|---|")
    for kind, label in (("without", "appendices alone (`--pages-only`)"), ("with", "with report.html")):
        each = ", ".join(f"{r.seconds:.1f}" for r, _ in found[kind])
        print(f"| {label} | {best[kind][0].seconds:.1f} (runs: {each}) | {cpu[kind]:.1f} |")
    wall = best["with"][0].seconds / best["without"][0].seconds
    print(f"| ratio (aim <= 1.2x) | {wall:.2f}x | {cpu['with'] / cpu['without']:.2f}x |")
    print(machine())


if __name__ == "__main__":
    main()
