"""A new service is one YAML file: no code changes, from the config file to a published report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sendiass_lib import config

SERVICE_FILE = """\
# A fictional service, as an analyst would add one: this file is all it takes.
slug: newshire
name: Newshire SENDIASS
area: Newshire
reporting_year: financial
evaluation_scale: [1, 4]
staffing:
  fte_advisers: {2023: 4.0, 2024: 4.5}
disclosure:
  suppress_below: 5
  min_percent_base: 10
"""


def sendiass(*args: str, env: dict) -> str:
    """Run the `sendiass` command as a user would; fail the test with its output if it fails."""
    command = [str(Path(sys.executable).with_name("sendiass")), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_service_added_as_one_config_file_gets_sample_data_and_a_report_with_no_code_change(tmp_path):
    services = tmp_path / "services"
    services.mkdir()
    (services / "newshire.yaml").write_text(SERVICE_FILE, encoding="utf-8")
    home = tmp_path / "project"  # a checkout of its own: data/, outputs/, the same notebooks
    (home / "data").mkdir(parents=True)
    (home / "notebooks").symlink_to(config.NOTEBOOKS_DIR)
    db = tmp_path / "newshire.duckdb"
    env = {
        **os.environ,
        "SENDIASS_HOME": str(home),
        "SENDIASS_SERVICES_DIR": str(services),
        "SENDIASS_DB": str(db),
    }

    sendiass("sample", "--service", "newshire", "--years", "2023", "2024", env=env)
    assert sorted(p.name for p in (home / "data" / "sample" / "newshire").iterdir()) == [
        "involvements_2023.csv",
        "involvements_2024.csv",
    ]
    sendiass("data", "--source", "sample", env=env)
    printed = sendiass("report", "--service", "newshire", "--year", "2023", env=env)
    assert "0 failed" in printed

    pages = home / "outputs" / "2023" / "newshire"
    built = {p.stem for p in pages.glob("*.html")}
    assert {"index", "headline", "involvements", "sen_types", "contact", "data_quality"} <= built
    html = (pages / "involvements.html").read_text(encoding="utf-8")
    assert "Newshire SENDIASS" in html and "Synthetic sample data" in html
    # The financial reporting year from the file: April to March, labelled 2023/24.
    assert "2023/24 (1 Apr 2023 - 31 Mar 2024)" in html
    assert "not available" in html  # Apr 2023 - Dec 2023 has data; Jan - Mar 2024 is in the 2024 file


def test_an_unknown_service_for_sample_data_names_the_valid_ones(tmp_path):
    command = [str(Path(sys.executable).with_name("sendiass")), "sample", "--service", "nowhere"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ})
    assert done.returncode != 0
    assert "unknown service 'nowhere'; valid: bucks, herefs, worcs" in done.stderr


def test_uncalibrated_sample_data_never_overwrites_a_calibrated_service():
    command = [str(Path(sys.executable).with_name("sendiass")), "sample", "--service", "worcs"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ})
    assert done.returncode == 2
    assert "worcs has calibrated sample data" in done.stderr
