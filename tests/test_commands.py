"""What a user types: make guards and `sendiass` errors are one clear line naming the valid values."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from sendiass_lib import config, db

ROOT = config.PROJECT_ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def sendiass(*args: str) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "sendiass_lib.cli", *args)


def test_make_report_without_year_prints_usage_and_fails():
    out = run("make", "--no-print-directory", "report", "COUNTY=worcs")
    assert out.returncode != 0
    assert "usage: make report YEAR=<year> COUNTY=<service or group>" in out.stderr
    assert "services: bucks, herefs, worcs; groups (a joint report): hw" in out.stderr


def test_make_report_with_unknown_county_names_the_valid_services():
    out = run("make", "--no-print-directory", "report", "YEAR=2024", "COUNTY=nowhere")
    assert out.returncode != 0
    assert "unknown service 'nowhere'; valid: bucks, herefs, worcs" in out.stderr


def test_make_help_describes_every_target():
    out = run("make", "--no-print-directory", "help")
    assert out.returncode == 0
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    listed = set(re.findall(r"^  ([a-z][a-z-]*) ", out.stdout, re.M))
    assert targets == listed
    assert "Services: bucks, herefs, worcs; groups: hw" in out.stdout


def test_report_for_a_year_without_data_names_the_years_with_data(sample_db):
    out = sendiass("report", "--service", "worcs", "--year", "2021", "--db", str(sample_db))
    assert out.returncode == 2
    assert out.stderr.strip() == "sendiass: no data for worcs in 2021; years with data: 2022, 2023, 2024"


def test_report_for_a_service_with_no_data_says_how_to_load_it(tmp_path):
    empty = tmp_path / "empty.duckdb"
    db.connect(empty, read_only=False).close()
    out = sendiass("report", "--service", "bucks", "--year", "2021", "--db", str(empty))
    assert out.returncode == 2
    assert "years with data: none (load extracts with `sendiass data`)" in out.stderr
    assert "2021/22 (24 Feb 2021 - 23 Feb 2022)" in out.stderr


def test_report_for_an_unknown_service_names_the_valid_ones(sample_db):
    out = sendiass("report", "--service", "nowhere", "--year", "2024", "--db", str(sample_db))
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "sendiass: unknown service 'nowhere'; valid: bucks, herefs, worcs; groups (a joint report): hw"
    )


def test_load_of_an_unusable_file_is_one_line_and_fails(tmp_path):
    bad = tmp_path / "involvements.csv"
    bad.write_text("Name,Notes\nx,y\n")
    out = sendiass("load", str(bad), "--service", "worcs", "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1
    assert "missing required column involvement_id" in out.stderr
    assert "'x'" not in out.stderr  # values are never echoed, only headers


def test_load_prints_rows_in_loaded_rejected(tmp_path):
    path = tmp_path / "involvements.csv"
    path.write_text("Case Ref,Date Opened\nA1,05/01/2024\nA2,31/02/2024\n")
    out = sendiass("load", str(path), "--service", "worcs", "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 0
    assert out.stdout.strip() == "involvements.csv: 2 rows in, 1 loaded, 1 rejected (bad_date 1)"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert ci.strip().splitlines()[-1] == "make test"


def test_environment_yml_pins_what_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {*project["dependencies"], *project["optional-dependencies"]["dev"]}
    env = set(re.findall(r"^\s+- ([A-Za-z0-9_.-]+==\S+)$", (ROOT / "environment.yml").read_text(), re.M))
    tooling = {p for p in pins if p.startswith(("uv==", "setuptools=="))}  # make env only
    assert env == pins - tooling


def test_lock_holds_every_pin_and_not_the_slow_import():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements" / "lock.txt").read_text().lower()
    for pin in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        assert f"\n{pin.lower()} \\" in lock, pin
    assert not re.search(r"^(rfc3987-syntax|lark)==", lock, re.M)
    assert "--hash=sha256:" in lock


def test_rejects_lists_one_loads_rows_and_counts_by_reason(tmp_path):
    path = tmp_path / "involvements.csv"
    path.write_text("Case Ref,Date Opened,Level\nA1,05/01/2024,2\nA2,31/02/2024,\nA3,05/01/2024,9\n")
    db_path = str(tmp_path / "x.duckdb")
    assert sendiass("load", str(path), "--service", "worcs", "--db", db_path).returncode == 0
    counts = sendiass("rejects", "--db", db_path)
    assert counts.returncode == 0
    assert re.search(r"1\s+worcs\s+involvements.csv\s+bad_date\s+1", counts.stdout)
    lines = sendiass("rejects", "--load", "1", "--db", db_path).stdout.splitlines()
    rows = [re.split(r"\s{2,}", line) for line in lines]
    assert rows[0] == ["row", "reason", "detail", "values"]
    assert rows[1][:3] == ["2", "bad_date", "Date Opened: '31/02/2024'"]
    assert rows[2][:3] == ["3", "bad_level", "Level: '9'"]
    assert len(rows) == 3
    missing = sendiass("rejects", "--load", "7", "--db", db_path)
    assert missing.returncode == 2 and "no load 7; loads: 1" in missing.stderr
