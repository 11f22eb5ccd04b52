"""The SQL building blocks of ingest (ingest/sql_parse.py, privacy_sql.py) timed beside the polars and
Python code they replace, block by block, on one involvements extract.

Blocks: the three date columns and the level parsed; notes redacted (contacts only, then with the
names of the 'Parent/Carer Name' and 'Child Name' cells); date of birth to an age band on the opening
date. polars parses each distinct value once (parse.parse_column); SQL runs each macro on every row
and, where it pays, on distinct values joined back. Each figure is the best of --runs; the machine's
load is printed with them (on a shared machine, figures move with it). Prints a Markdown table.
Timings, not tests. Run: .venv/bin/python bench/sql_blocks.py [EXTRACT.csv] [--rows N] [--runs N]
(without an extract, a synthetic one of --rows involvements is written first: `sendiass sample --scale`).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from sendiass_lib import privacy, privacy_sql
from sendiass_lib.ingest import parse, sql_parse

DATES = ["Date Opened", "Date of First Response", "Date Closed"]
NAMES = ["Parent/Carer Name", "Child Name"]


def best(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` timings of work(), in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def sql(con: duckdb.DuckDBPyConnection, select: str) -> Callable[[], object]:
    """Work that runs `select` over the extract (table inv) into a table, so every row is computed."""
    return lambda: con.execute(f"CREATE OR REPLACE TEMP TABLE out AS {select}")


def q(column: str) -> str:
    return '"' + column + '"'


def joined(parsers: dict[str, str]) -> str:
    """FROM inv with each column's parsed values (column -> macro) joined on, each distinct value
    parsed once: columns parsed_0, parsed_1, ..."""
    joins = [
        f"LEFT JOIN (SELECT v, {macro}(v) AS parsed_{i} FROM (SELECT DISTINCT {q(column)} AS v FROM inv)) "
        f"AS d{i} ON {q(column)} = d{i}.v"
        for i, (column, macro) in enumerate(parsers.items())
    ]
    return "FROM inv " + " ".join(joins)


def blocks(frame: pl.DataFrame, con: duckdb.DuckDBPyConnection) -> list[tuple[str, Callable, dict]]:
    """(block, the polars/Python work, {SQL variant: its work}) for each block."""
    parsers = {**dict.fromkeys(DATES, "parse_date"), "Level": "parse_level"}
    every_row = ", ".join(f"{macro}({q(column)})" for column, macro in parsers.items())
    names = f"[{', '.join(q(n) for n in NAMES)}]"

    def polars_dates() -> None:
        for column in DATES:
            parse.parse_column(frame[column], parse.parse_date)
        parse.parse_column(frame["Level"], parse.parse_level)

    def polars_age() -> None:
        born = parse.parse_column(frame["DOB"], parse.parse_date)
        on = parse.parse_column(frame["Date Opened"], parse.parse_date)
        pl.DataFrame({"born": born, "on": on}).select(privacy.age_band(pl.col("born"), pl.col("on")))

    born_on = {"DOB": "parse_date", "Date Opened": "parse_date"}
    return [
        (
            "3 date columns + level",
            polars_dates,
            {
                "every row": sql(con, f"SELECT {every_row} FROM inv"),
                "distinct values": sql(
                    con, f"SELECT parsed_0, parsed_1, parsed_2, parsed_3 {joined(parsers)}"
                ),
            },
        ),
        (
            "notes: contacts redacted",
            lambda: privacy.redact(frame["Notes"]),
            {"every row": sql(con, "SELECT redact(Notes) FROM inv")},
        ),
        (
            "notes: contacts and the row's names",
            lambda: privacy.redact(frame["Notes"], [frame[n] for n in NAMES]),
            {"every row": sql(con, f"SELECT redact_names(Notes, {names}) FROM inv")},
        ),
        (
            "DOB parsed, age band on opening",
            polars_age,
            {
                "every row": sql(
                    con, f"SELECT age_band(parse_date(DOB), parse_date({q('Date Opened')})) FROM inv"
                ),
                "distinct dates": sql(con, f"SELECT age_band(parsed_0, parsed_1) {joined(born_on)}"),
            },
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("extract", nargs="?", type=Path, help="an involvements CSV (a full export)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the synthetic extract")
    parser.add_argument("--runs", type=int, default=3, help="timings per figure (the best is shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        extract = args.extract or written(Path(tmp), args.rows)
        con = duckdb.connect()
        sql_parse.create_macros(con)
        privacy_sql.create_macros(con)
        read = best(1, sql(con, f"SELECT * FROM read_csv('{extract}', all_varchar = true)"))
        con.execute("ALTER TABLE out RENAME TO inv")
        frame = pl.read_csv(extract, infer_schema=False)
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        print(f"{extract}: {frame.height:,} rows; DuckDB read_csv (all_varchar) {read:.2f} s")
        print(f"DuckDB threads {threads}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print("| block | polars/Python | SQL | SQL / polars |")
        print("|---|---|---|---|")
        for block, python_work, sql_works in blocks(frame, con):
            python = best(args.runs, python_work)
            for variant, work in sql_works.items():
                seconds = best(args.runs, work)
                print(f"| {block} | {python:.2f} s | {seconds:.2f} s ({variant}) | {seconds / python:.2f}x |")
        con.close()


def written(folder: Path, rows: int) -> Path:
    """A synthetic involvements extract of `rows` rows, written in `folder`."""
    from sendiass_lib.sample import scale

    scale.write(folder, services=1, years=1, per_year=rows, last_year=2024)
    return next((folder / "sample").rglob("involvements_*.csv"))


if __name__ == "__main__":
    main()
