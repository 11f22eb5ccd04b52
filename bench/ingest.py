"""Time loading a large involvements CSV against bare DuckDB read_csv of the same file, with peak memory.

Writes a synthetic involvements extract (default 1,000,000 rows, UK dates, CRLF, a BOM, ~0.1% bad
rows), then in separate processes, so each peak RSS is its own:
  1. bare DuckDB: CREATE TABLE AS SELECT * FROM read_csv(file) into a new database file;
  2. `sendiass load`: read, map headers, validate, reject, write in one transaction.
Prints seconds, the ratio and peak RSS for each. Aim (issue 4): <= 1.5x bare DuckDB, <= 1.5 GB.
Run with the project environment: .venv/bin/python bench/ingest.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

BARE = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""
OURS = """
import sys
from datetime import date
from pathlib import Path
from sendiass_lib import db
from sendiass_lib.ingest.load import load_file
with db.connect(sys.argv[2], read_only=False) as con:
    r = load_file(con, Path(sys.argv[1]), "worcs", "involvements", today=date(2025, 1, 1))
print(r.summary())
"""


def write_extract(path: Path, rows: int) -> None:
    """A realistic export: human headers, dd/mm/yyyy dates, a few bad dates and duplicates."""
    i = pl.int_range(0, rows)
    opened = pl.date(2015, 1, 1) + pl.duration(days=i * 7919 % 3650)
    frame = pl.select(
        pl.format("WOR-{}", i).alias("Case Ref"),
        pl.when(i % 1000 == 7)  # 0.1% impossible dates
        .then(pl.lit("31/02/2024"))
        .otherwise(opened.dt.strftime("%d/%m/%Y"))
        .alias("Date Opened"),
        (opened + pl.duration(days=i % 3)).dt.strftime("%d/%m/%Y").alias("Date of First Response"),
        (opened + pl.duration(days=30 + i % 60)).dt.strftime("%d/%m/%Y").alias("Date Closed"),
        pl.format("Level {}", 1 + i % 4).alias("Level"),
    )
    body = frame.write_csv(line_terminator="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())


def run(code: str, *args: str) -> tuple[float, float, str]:
    """Seconds, peak RSS in MB, and stdout of `python -c code args` in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read().strip()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"bench: failed: {out}")
    return elapsed, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sendiass-ingest-") as tmp:
        tmp = Path(tmp)
        csv = tmp / "involvements_big.csv"
        write_extract(csv, args.rows)
        print(f"file: {args.rows:,} rows, {csv.stat().st_size / 1e6:.0f} MB")
        bare = run(BARE, str(csv), str(tmp / "bare.duckdb"))
        ours = run(OURS, str(csv), str(tmp / "ours.duckdb"))
        print(f"bare DuckDB read_csv:  {bare[0]:6.2f} s   peak RSS {bare[1]:6.0f} MB   ({bare[2]} rows)")
        print(f"sendiass load:         {ours[0]:6.2f} s   peak RSS {ours[1]:6.0f} MB   ({ours[2]})")
        print(f"ratio: {ours[0] / bare[0]:.2f}x bare DuckDB   aim <= 1.5x, peak RSS <= 1500 MB")


if __name__ == "__main__":
    main()
