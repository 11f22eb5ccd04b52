"""`sendiass sample --scale`: synthetic services and extracts at scale, in the sample's export format,
the same bytes every time, loading with nothing rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendiass_lib import cli, config, db, periods
from sendiass_lib.ingest.build import build
from sendiass_lib.metrics.involvements import monthly
from sendiass_lib.sample import scale, scale_involvements
from sendiass_lib.sample.involvements import HEADERS

LAST = 2024
SIZE = dict(services=5, years=2, per_year=60, last_year=LAST)  # s005 is the first "financial" service


def rows_in(path: Path) -> int:
    """Data rows of a written extract (CRLF lines, less the header)."""
    return path.read_bytes().count(b"\r\n") - 1


@pytest.fixture(scope="module")
def scale_set(tmp_path_factory) -> scale.ScaleSet:
    return scale.write(tmp_path_factory.mktemp("scale") / "set", **SIZE)


@pytest.fixture(scope="module")
def loaded(scale_set, tmp_path_factory):
    """The scale set loaded as the only services and sample (config pointed at it meanwhile)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "SERVICES_DIR", scale_set.services_dir)
        patch.setattr(config, "SAMPLE_DIR", scale_set.sample_dir)
        config.services.cache_clear()
        try:
            path = tmp_path_factory.mktemp("scale_db") / "scale.duckdb"
            report = build(path, source="sample")
            yield report, path
        finally:
            config.services.cache_clear()


def test_a_scale_set_has_a_service_file_and_an_extract_per_service_and_year(scale_set):
    slugs = [f"s{n:03d}" for n in range(1, 6)]
    assert sorted(p.stem for p in scale_set.services_dir.glob("*.yaml")) == slugs
    assert (scale_set.services_dir / "s001.yaml").read_text().startswith(scale.GENERATED)
    extracts = sorted(scale_set.sample_dir.rglob("*.csv"))
    assert [p.relative_to(scale_set.sample_dir).as_posix() for p in extracts] == [
        f"{slug}/involvements_{year}.csv" for slug in slugs for year in (2023, 2024)
    ]
    listed = (scale_set.sample_dir / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in listed] == [
        p.relative_to(scale_set.sample_dir).as_posix() for p in extracts
    ]
    assert set(scale_set.files) == {
        *scale_set.services_dir.glob("*.yaml"),
        *extracts,
        scale_set.sample_dir / "SHA256SUMS",
    }
    assert scale_set.rows == sum(rows_in(p) for p in extracts)
    # Each year's total is exactly services x per_year, shared unevenly between the services.
    for year in (2023, 2024):
        assert sum(rows_in(scale_set.sample_dir / s / f"involvements_{year}.csv") for s in slugs) == 5 * 60
    # The sample's export format: BOM, CRLF, its headers, UK dates, "Level N", fake people.
    data = (scale_set.sample_dir / "s001" / f"involvements_{LAST}.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + ",".join(HEADERS).encode() + b"\r\n")
    first = data.decode("utf-8-sig").split("\r\n")[1].split(",")
    assert first[0] == f"S001-{LAST % 100}-00001" and first[1].endswith(f"/{LAST}")
    assert first[4] in ("", *scale_involvements.LEVELS) and first[14].endswith("@example.org")
    assert first[15].startswith("07700 900")


def test_the_same_arguments_write_the_same_bytes_and_another_seed_does_not(scale_set, tmp_path):
    again = scale.write(tmp_path / "again", **SIZE)
    for path in scale_set.files:
        relative = path.relative_to(scale_set.services_dir.parent)
        assert (tmp_path / "again" / relative).read_bytes() == path.read_bytes(), relative
    assert again.rows == scale_set.rows
    scale.write(tmp_path / "other", **SIZE, seed=1)
    csv = Path("sample", "s001", f"involvements_{LAST}.csv")
    assert (tmp_path / "other" / csv).read_bytes() != (tmp_path / "again" / csv).read_bytes()


def test_a_scale_set_loads_with_nothing_rejected_and_counts_the_rows_written(scale_set, loaded):
    report, path = loaded
    assert not report.failures and not report.skipped
    assert len(report.results) == 10
    assert all(r.rows_rejected == 0 for r in report.results)
    with db.connect(path) as con:
        assert con.execute("SELECT bool_and(is_sample) FROM loads").fetchone() == (True,)
        unmapped = con.execute("SELECT count(*) FROM involvement_labels WHERE label = 'Unmapped'").fetchone()
        assert unmapped == (0,)
        # Reasons are read against the list in force on the opening date: both lists are used.
        lists = con.execute("SELECT DISTINCT list FROM involvement_labels WHERE field = 'reasons'").fetchall()
        assert sorted(lists) == [("from Apr 2024",), ("to Mar 2024",)]
        counted = monthly(con, "s001", LAST).current
    assert counted == rows_in(scale_set.sample_dir / "s001" / f"involvements_{LAST}.csv")


def test_service_files_exercise_the_period_rules_and_financial_years_are_labelled_2024_25(loaded):
    _, path = loaded
    rules = {slug: s.reporting_year for slug, s in config.services().items()}
    assert rules == {
        "s001": "calendar",
        "s002": "calendar",
        "s003": "02-24",
        "s004": "calendar",
        "s005": "financial",
    }
    assert periods.reporting_year(config.service("s005"), LAST).label == "2024/25"
    with db.connect(path) as con:
        assert monthly(con, "s005", LAST).selected.label == "2024/25"


def test_the_scale_command_prints_how_to_load_and_report_and_refuses_a_service_too(tmp_path, capsys):
    out = tmp_path / "cli"
    argv = ["sample", "--scale", "national", "--out", str(out), "--services", "2", "--years", "1"]
    assert cli.main([*argv, "--per-year", "10"]) == 0
    printed = capsys.readouterr().out
    assert "2 services x 1 years, 20 involvements" in printed
    assert (
        f"SENDIASS_SAMPLE_DIR={out / 'sample'} sendiass data --source sample --db {out}/national.duckdb"
        in (printed)
    )
    assert f"sendiass report --service s001 --year {LAST}" in printed
    with pytest.raises(SystemExit) as refused:
        cli.main(["sample", "--scale", "national", "--service", "s001"])
    assert refused.value.code == cli.USAGE_ERROR
