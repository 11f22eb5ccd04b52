"""`make bench`: the workbench's speed and memory, each figure beside a baseline timed in the same run.

Steps (each in its own processes; peak RSS is the whole process tree's, sampled every 20 ms):
  1. ingest of 10k / 100k / 1M involvements (a full export: labels, personal columns, UK dates)
     by `load_file`, against bare DuckDB `read_csv` of the same file;
  2. the floor: papermill + nbconvert of an empty notebook on the project kernel;
  3. in a fresh clone of HEAD (so nothing local helps): `make env`, the first
     `make report YEAR=2024 COUNTY=worcs`, one service-year's appendices rebuilt (`--force`) against
     the floor times their page count, `make reports` for every service and year, and both again
     with nothing changed (no-op);
  4. report time and HTML size per page with 10k and with 1M involvements in the database
     (synthetic services from `sendiass sample --scale`), for the same service and year;
  5. with --national, the national preset (150 services x 10 years, ~5M involvements): its load,
     one report, and `sendiass reports --latest` (every service's latest year: seconds, pages,
     seconds a page, planning) and its no-op.
Prints a Markdown table, then the machine. Timings, not tests: nothing fails on a slow figure.
Run: make bench [BENCH_ARGS="--national --cold"]  (or .venv/bin/python bench/suite.py --help)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVICE, YEAR = "worcs", 2024
SCALE_SERVICE = "s001"

BARE = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
con.close()
"""
# One read_csv of many files together (argv[1] a glob): the national set's baseline.
BARE_ALL = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
con.close()
"""
OURS = """
import sys
from datetime import date
from pathlib import Path
from sendiass_lib import db
from sendiass_lib.ingest.load import load_file
with db.connect(sys.argv[2], read_only=False) as con:
    r = load_file(con, Path(sys.argv[1]), sys.argv[3], "involvements", today=date(2030, 1, 1))
print(r.rows_loaded)
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    out: str


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `cmd` to the end; its seconds, the peak RSS of its process tree, and its output."""
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        proc = psutil.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                try:
                    tree = [proc, *proc.children(recursive=True)]
                    total = 0
                    for p in tree:
                        with contextlib.suppress(psutil.Error):
                            total += p.memory_info().rss
                    peak[0] = max(peak[0], total)
                except psutil.Error:
                    pass
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        log.seek(0)
        out = log.read()
    if code:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({code}):\n{out[-3000:]}")
    return Run(elapsed, peak[0] / 2**20, out.strip())


def scale_env(folder: Path) -> dict:
    """The environment that points the CLI at a scale set's service files and extracts."""
    return {
        **os.environ,
        "SENDIASS_SERVICES_DIR": str(folder / "services"),
        "SENDIASS_SAMPLE_DIR": str(folder / "sample"),
    }


def scale_set(folder: Path, services: int, years: int, per_year: int) -> int:
    """Write a synthetic scale set (sendiass sample --scale) and return its involvement rows."""
    from sendiass_lib.sample import scale

    written = scale.write(folder, services=services, years=years, per_year=per_year, last_year=YEAR)
    return written.rows


# One line of the table: (step, measured, baseline, ratio, aim, peak RSS MB)
Row = tuple[str, str, str, str, str, str]


def row(
    step: str, measured: str, used: Run | None = None, baseline: str = "", ratio: str = "", aim: str = ""
) -> Row:
    return (step, measured, baseline, ratio, aim, f"{used.peak_mb:.0f}" if used else "")


def ingest_rows(tmp: Path, sizes: list[int]) -> list[Row]:
    rows = []
    for size in sizes:
        folder = tmp / f"ingest-{size}"
        written = scale_set(folder, services=1, years=1, per_year=size)
        [extract] = sorted((folder / "sample").rglob("involvements_*.csv"))
        env = scale_env(folder)
        bare = run([sys.executable, "-c", BARE, str(extract), str(folder / "bare.duckdb")], env=env)
        ours = run(
            [sys.executable, "-c", OURS, str(extract), str(folder / "ours.duckdb"), SCALE_SERVICE], env=env
        )
        mb = extract.stat().st_size / 1e6
        rows.append(
            row(
                f"ingest {written:,} involvements ({mb:.0f} MB CSV)",
                f"{ours.seconds:.2f} s ({int(ours.out.splitlines()[-1]):,} loaded)",
                ours,
                f"{bare.seconds:.2f} s bare DuckDB read_csv ({bare.peak_mb:.0f} MB)",
                f"{ours.seconds / bare.seconds:.2f}x",
                "<= 1.5x at 1M; <= 1.5 GB",
            )
        )
    return rows


def floor(tmp: Path) -> tuple[float, float]:
    """Seconds of papermill and of nbconvert for an empty notebook on the project kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "sendiass",
        "display_name": "Python (sendiass)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    empty = tmp / "empty.ipynb"
    nbformat.write(nb, empty)
    ran = run(
        [str(BIN / "papermill"), "-k", "sendiass", "--no-progress-bar", str(empty), str(tmp / "ran.ipynb")]
    )
    html = run(
        [
            str(BIN / "jupyter"),
            "nbconvert",
            "--to",
            "html",
            "--no-input",
            "--output-dir",
            str(tmp),
            str(tmp / "ran.ipynb"),
        ]
    )
    return ran.seconds, html.seconds


def pages_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.html") if p.name != "index.html"]


def clone_rows(tmp: Path, floor_s: float, cold: bool) -> list[Row]:
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    make = ["make", "--no-print-directory", "-C", str(clone)]
    report = [*make, "report", f"YEAR={YEAR}", f"COUNTY={SERVICE}"]
    rows: list[Row] = []
    if cold:  # a machine that never installed the stack: empty pip and uv caches
        empty = dict(os.environ, PIP_NO_CACHE_DIR="1", UV_CACHE_DIR=str(tmp / "uv-cache"))
        setup = run([*make, "env"], env=empty)
        rows.append(row("`make env` (empty caches)", f"{setup.seconds:.1f} s", setup))
        subprocess.run(["rm", "-rf", str(clone / ".venv")], check=True)
    env = run([*make, "env"])
    first = run(report)
    noop = run(report)
    pages = pages_in(clone / "outputs" / str(YEAR) / SERVICE)
    forced = run(
        [
            str(clone / ".venv" / "bin" / "sendiass"),
            "report",
            "--service",
            SERVICE,
            "--year",
            str(YEAR),
            "--db",
            str(clone / "data/processed/sendiass.duckdb"),
            "--force",
        ],
        cwd=clone,
    )
    every = run([*make, "reports"])
    all_pages = pages_in(clone / "outputs")
    every_noop = run([*make, "reports"])
    n, total = len(pages), len(all_pages)
    return [
        *rows,
        row("`make env` (warm caches)", f"{env.seconds:.1f} s", env),
        row(f"`make report` {SERVICE} {YEAR}, first (database + {n} pages)", f"{first.seconds:.1f} s", first),
        row(
            f"one service-year, all appendices ({n} pages, --force)",
            f"{forced.seconds:.1f} s",
            forced,
            f"{floor_s * n:.1f} s = floor {floor_s:.2f} s x {n}",
            f"{forced.seconds / (floor_s * n):.2f}x",
            "<= 1.0x",
        ),
        row(
            f"`make reports`, every service and year ({total} pages)",
            f"{every.seconds:.1f} s",
            every,
            f"{floor_s * total:.1f} s = floor x {total}",
            f"{every.seconds / (floor_s * total):.2f}x",
        ),
        row("`make report` no-op", f"{noop.seconds:.2f} s", noop, aim="<= 1 s"),
        row("`make reports` no-op", f"{every_noop.seconds:.2f} s", every_noop, aim="<= 1 s"),
    ]


def scale_rows(tmp: Path, small: int, large: int) -> tuple[list[Row], list[str]]:
    """Report time and page sizes for the same service-year with `small` involvements in the
    database (one service, ten years) and with `large` (ten services, ten years; the first, the
    smallest, has about three times as many a year): the pages' tables are full in both."""
    results = {}
    for size, services in ((small, 1), (large, 10)):
        folder = tmp / f"scale-{size}"
        rows = scale_set(folder, services=services, years=10, per_year=size // (10 * services))
        env = scale_env(folder)
        db = folder / "scale.duckdb"
        load = run([str(BIN / "sendiass"), "data", "--source", "sample", "--db", str(db), "--quiet"], env=env)
        out = folder / "outputs"
        cmd = [str(BIN / "sendiass"), "report", "--service", SCALE_SERVICE, "--year", str(YEAR)]
        report = run([*cmd, "--db", str(db), "--out", str(out), "--force"], env=env)
        [(in_service,)] = _query(  # s001 reports by calendar year
            db,
            f"SELECT count(*) FROM involvements"
            f" WHERE service = '{SCALE_SERVICE}' AND year(opened_on) = {YEAR}",
        )
        sizes = {p.name: p.stat().st_size for p in pages_in(out)}
        results[size] = (rows, load, report, sizes, in_service)
    (rows_s, load_s, report_s, sizes_s, svc_s), (rows_l, load_l, report_l, sizes_l, svc_l) = (
        results[small],
        results[large],
    )
    table = [
        row(
            f"`sendiass data`, {rows_l:,} involvements (10 services x 10 years, 100 files)",
            f"{load_l.seconds:.1f} s",
            load_l,
            f"{load_s.seconds:.1f} s with {rows_s:,} (1 service, 10 files)",
        ),
        row(
            f"report {SCALE_SERVICE} {YEAR} ({len(sizes_l)} pages) with {rows_l:,} involvements stored"
            f" ({svc_l:,} of them {SCALE_SERVICE}'s in {YEAR})",
            f"{report_l.seconds:.1f} s",
            report_l,
            f"{report_s.seconds:.1f} s with {rows_s:,} ({svc_s:,} {SCALE_SERVICE}'s in {YEAR})",
            f"{report_l.seconds / report_s.seconds:.2f}x",
            "<= 1.5x",
        ),
    ]
    changes = [(sizes_l[name] / sizes_s[name] - 1) for name in sizes_s if name in sizes_l]
    table.append(
        row(
            f"HTML per page with {rows_l:,} vs {rows_s:,} stored",
            f"{sum(sizes_l.values()) / len(sizes_l) / 1024:.1f} KB mean",
            None,
            f"{sum(sizes_s.values()) / len(sizes_s) / 1024:.1f} KB mean",
            f"{max(changes, key=abs):+.1%} (largest page change)",
            "+-10%",
        )
    )
    detail = [
        f"  {name}: {sizes_s[name] / 1024:.1f} KB -> {sizes_l.get(name, 0) / 1024:.1f} KB"
        for name in sorted(sizes_s)
    ]
    return table, detail


def national_rows(tmp: Path) -> list[Row]:
    folder = tmp / "national"
    cmd = [str(BIN / "sendiass"), "sample", "--scale", "national", "--out", str(folder)]
    made = run(cmd)
    env = scale_env(folder)
    db = folder / "national.duckdb"
    load = run([str(BIN / "sendiass"), "data", "--source", "sample", "--db", str(db), "--quiet"], env=env)
    [(rows,)] = _query(db, "SELECT count(*) FROM involvements")
    files = sorted((folder / "sample").rglob("involvements_*.csv"))
    bare = run(
        [
            sys.executable,
            "-c",
            BARE_ALL,
            str(folder / "sample" / "*" / "involvements_*.csv"),
            str(folder / "bare.duckdb"),
        ]
    )
    out = folder / "outputs"
    report = run(
        [
            str(BIN / "sendiass"),
            "report",
            "--service",
            SCALE_SERVICE,
            "--year",
            str(YEAR),
            "--db",
            str(db),
            "--out",
            str(out),
        ],
        env=env,
    )
    return [
        row("`sendiass sample --scale national`", f"{made.seconds:.1f} s", made),
        row(
            f"`sendiass data`, national ({rows:,} involvements, {len(files):,} files)",
            f"{load.seconds:.1f} s",
            load,
            f"{bare.seconds:.1f} s one bare read_csv of every file ({bare.peak_mb:.0f} MB)",
            f"{load.seconds / bare.seconds:.2f}x",
            "<= 3x",
        ),
        row(f"report {SCALE_SERVICE} {YEAR} from the national database", f"{report.seconds:.1f} s", report),
        *latest_rows(env, db, folder / "latest", "national"),
    ]


def latest_rows(env: dict, db: Path, out: Path, label: str) -> list[Row]:
    """`sendiass reports --latest` (every service's latest year) into an empty folder, then again with
    nothing changed: seconds, pages, seconds a page, and the planning before the first page."""
    cmd = [str(BIN / "sendiass"), "reports", "--latest", "--db", str(db), "--out", str(out)]
    every = run(cmd, env=env)
    pages, planning = reports_summary(every.out)
    services = len(list(Path(env["SENDIASS_SERVICES_DIR"]).glob("*.yaml")))
    noop = run(cmd, env=env)
    return [
        row(
            f"`sendiass reports --latest`, {label} ({services} services' latest year, {pages} pages)",
            f"{every.seconds:.1f} s",
            every,
            f"planning {planning:.1f} s (before the first page)",
            f"{every.seconds / pages:.2f} s/page",
            "<= 0.2 s/page; planning <= 5 s",
        ),
        row(f"`sendiass reports --latest`, {label}, nothing changed", f"{noop.seconds:.2f} s", noop),
    ]


def reports_summary(out: str) -> tuple[int, float]:
    """Pages built and seconds of planning, from the last line `sendiass reports` prints."""
    found = re.search(r"^(\d+) built, .* \(planning ([\d.]+) s\)", out, re.M)
    if not found:
        sys.exit(f"bench: no summary line in:\n{out[-2000:]}")
    return int(found.group(1)), float(found.group(2))


def _query(db: Path, sql: str) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def machine() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, commit {commit.stdout.strip()}, "
        f"{time.strftime('%d %b %Y')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-clone", action="store_true", help="leave out the fresh-clone make steps")
    parser.add_argument("--national", action="store_true", help="also time the national preset (~5M rows)")
    parser.add_argument("--cold", action="store_true", help="also time `make env` with empty pip/uv caches")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    table: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sendiass-bench-") as tmp:
        tmp = Path(tmp)
        table += ingest_rows(tmp, args.sizes)
        papermill_s, nbconvert_s = floor(tmp)
        floor_s = papermill_s + nbconvert_s
        table.append(
            row(
                "floor: empty notebook, papermill + nbconvert",
                f"{floor_s:.2f} s",
                None,
                f"papermill {papermill_s:.2f} s + nbconvert {nbconvert_s:.2f} s",
            )
        )
        if not args.skip_clone:
            table += clone_rows(tmp, floor_s, args.cold)
        scale, detail = scale_rows(tmp, min(args.sizes), max(args.sizes))
        table += scale
        if args.national:
            table += national_rows(tmp)
    header = ("step", "measured", "baseline (same run)", "ratio", "aim", "peak RSS MB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for line in table:
        print("| " + " | ".join(line) + " |")
    print()
    print("page sizes, fewest -> most involvements:")
    print("\n".join(detail))
    print(machine())
    if args.json:
        args.json.write_text(json.dumps({"rows": table, "pages": detail, "machine": machine()}, indent=1))


if __name__ == "__main__":
    main()
