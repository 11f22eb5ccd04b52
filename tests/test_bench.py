"""bench/suite.py keeps working as the code changes: its steps run on tiny data (timings are not
tested: benchmarks print figures, they do not pass or fail on them)."""

import importlib.util
import sys

from sendiass_lib import config

SUITE = config.PROJECT_ROOT / "bench" / "suite.py"


def load_suite():
    spec = importlib.util.spec_from_file_location("bench_suite", SUITE)
    suite = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = suite  # (its dataclasses look their module up there)
    spec.loader.exec_module(suite)
    return suite


def test_bench_ingest_step_loads_every_row_and_sets_it_beside_bare_duckdb(tmp_path):
    suite = load_suite()
    [(step, measured, baseline, ratio, _aim, peak)] = suite.ingest_rows(tmp_path, [300])
    assert step.startswith("ingest 300 involvements")
    assert "(300 loaded)" in measured
    assert "bare DuckDB read_csv" in baseline
    assert ratio.endswith("x") and float(ratio[:-1]) > 0
    assert int(peak) > 0


def test_bench_measures_the_peak_memory_of_the_whole_process_tree(tmp_path):
    suite = load_suite()
    child = "import time; x = b'x' * (300 * 2**20); time.sleep(0.5)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    used = suite.run([suite.sys.executable, "-c", code])
    assert used.peak_mb > 300  # the child's 300 MB counts, not only the parent's


def test_bench_latest_step_times_every_services_latest_year_and_its_no_op(tmp_path):
    suite = load_suite()
    suite.scale_set(tmp_path, services=2, years=1, per_year=200)  # (fewer a year trip the audit)
    env = suite.scale_env(tmp_path)
    db = tmp_path / "tiny.duckdb"
    suite.run(
        [str(suite.BIN / "sendiass"), "data", "--source", "sample", "--db", str(db), "--quiet"], env=env
    )
    every, noop = suite.latest_rows(env, db, tmp_path / "out", "tiny")
    assert every[0].startswith("`sendiass reports --latest`, tiny (2 services' latest year, ")
    pages = int(every[0].split(", ")[-1].split()[0])
    assert pages == len(list((tmp_path / "out" / "2024").glob("*/*.html"))) - 2 * 2  # not index, report
    assert every[2].startswith("planning ") and every[3].endswith(" s/page")
    assert noop[0].endswith("nothing changed") and float(noop[1].split()[0]) > 0
