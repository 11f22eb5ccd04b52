"""Time one service-year's full set of appendices against one involvements notebook (issue 5).

Builds, with --force into a temporary folder and the sample database (data/processed/sample.duckdb,
built by `make test` or `sendiass data --source sample --db ...`):
  1. the involvements appendix alone (one notebook: kernel start, imports, run, export);
  2. every appendix that has data for the service and year (the pages share two kept kernels).
Prints both times and the ratio. Aim (issue 5): all appendices <= 2.5x one notebook.
Run with the project environment: .venv/bin/python bench/appendices.py [--service worcs] [--year 2024]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sendiass_lib import config, publish


def build(service: str, year: int, db: Path, out: Path, only: str | None = None) -> tuple[float, int]:
    """Seconds and page count of a forced build of `only` (or every appendix)."""
    every = publish.appendices()
    publish.appendices = lambda notebooks_dir=None: [a for a in every if only in (None, a.name)]
    try:
        started = time.perf_counter()
        result = publish.build_report(
            service, year, db_path=db, out_dir=out, force=True, progress=lambda _: None
        )
        elapsed = time.perf_counter() - started
    finally:
        publish.appendices = lambda notebooks_dir=None: every
    if result.failures:
        raise SystemExit(f"bench: failed: {result.failures}")
    return elapsed, len(result.built)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="worcs")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--db", type=Path, default=config.PROCESSED_DIR / "sample.duckdb")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sendiass-appendices-") as tmp:
        one, _ = build(args.service, args.year, args.db, Path(tmp) / "one", only="involvements")
        every, pages = build(args.service, args.year, args.db, Path(tmp) / "all")
    print(f"one notebook (involvements): {one:5.1f} s")
    print(f"all appendices ({pages} pages):  {every:5.1f} s   ({publish.WORKERS} kernels)")
    print(f"ratio: {every / one:.2f}x one notebook   aim <= 2.5x")


if __name__ == "__main__":
    main()
