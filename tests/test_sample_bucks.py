"""The synthetic Buckinghamshire involvements: loaded by the real loader, they give the published
headline figures (Bucks SEND IAS end-of-year report, March 2022, "Headline figures")."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
import yaml

from sendiass_lib import config, db, periods
from sendiass_lib.ingest.load import load_file
from sendiass_lib.sample import _add_weekdays, bucks
from tests import published
from tests.conftest import any_of, database_text, sample_personal_values, write_extract

YEARS = (2019, 2020, 2021)
# Published headline figures (report section "Our performance 2021-2022 > Headline figures",
# printed "X (Y)(Z)" for 2021/22, 2020/21, 2019/20), by YEAR (the year the 24 Feb year starts in),
# named as the generator's targets name them.
PUBLISHED = {
    year: {name.lower().replace(" ", "_"): n for name, n in printed.items()}
    for year, printed in published.table("bucks_headline")["years"].items()
}
RECORDS = """FROM involvements i JOIN involvement_labels l
             ON l.service = i.service AND l.involvement_id = i.involvement_id AND l.field = 'record_type'
             WHERE i.service = 'bucks'"""
# New referrals / enquiries: records of that type begun in the period.
NEW = f"SELECT count(*) {RECORDS} AND l.label = $type AND i.opened_on BETWEEN $start AND $end"
# Ongoing cases: referrals opened by the period end and not closed before its start.
ONGOING = f"""SELECT count(*) {RECORDS} AND l.label = 'Referral' AND i.opened_on <= $end
              AND (i.closed_on IS NULL OR i.closed_on >= $start)"""
# Carried over into a period: opened before its start and not closed before it.
CARRIED = f"""SELECT count(*) {RECORDS} AND l.label = $type AND i.opened_on < $start
              AND (i.closed_on IS NULL OR i.closed_on >= $start)"""


def period(year: int) -> periods.Period:
    return periods.reporting_year(config.service("bucks"), year)


def bounds(year: int) -> dict:
    return {"start": period(year).start, "end": period(year).end}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict:
    """The three files written to a temporary folder and loaded, in name order, into a new database."""
    out = tmp_path_factory.mktemp("bucks_sample")
    files = bucks.write(out)
    db_path = out / "bucks.duckdb"
    with db.connect(db_path, read_only=False) as con:
        results = [load_file(con, path, "bucks", "involvements") for path in sorted(files)]
    return {"out": out, "files": files, "db": db_path, "results": results}


@pytest.fixture(scope="module")
def con(loaded):
    with db.connect(loaded["db"]) as connection:
        yield connection


def test_writes_one_file_per_reporting_year_2019_20_to_2021_22(loaded):
    names = [p.relative_to(loaded["out"]).as_posix() for p in loaded["files"]]
    assert names == [f"bucks/involvements_{year}.csv" for year in YEARS]


def test_writing_again_gives_the_same_bytes(loaded, tmp_path):
    again = bucks.write(tmp_path)
    for first, second in zip(loaded["files"], again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_files_look_like_a_bucks_export_with_record_type(loaded):
    data = loaded["files"][0].read_bytes()
    assert data.startswith(
        b"\xef\xbb\xbfRecord ID,Record Type,Date Opened,Date of First Response,Date Closed,Client ID,"
    )
    assert b"\r\n" in data and b",Referral," in data and b",Enquiry," in data
    assert b",HP" in data  # Buckinghamshire postcodes


@pytest.mark.parametrize("year", YEARS)
def test_new_referrals_equal_the_published_headline(con, year):
    got = con.execute(NEW, {"type": "Referral", **bounds(year)}).fetchone()[0]
    assert got == PUBLISHED[year]["new_referrals"], period(year).label


@pytest.mark.parametrize("year", YEARS)
def test_new_enquiries_equal_the_published_headline(con, year):
    got = con.execute(NEW, {"type": "Enquiry", **bounds(year)}).fetchone()[0]
    assert got == PUBLISHED[year]["new_enquiries"], period(year).label


@pytest.mark.parametrize("year", YEARS)
def test_ongoing_cases_equal_the_published_headline(con, year):
    got = con.execute(ONGOING, bounds(year)).fetchone()[0]
    assert got == PUBLISHED[year]["ongoing_cases"], period(year).label


def test_referrals_carried_into_each_year_are_ongoing_minus_new_referrals(con):
    carried = {
        year: con.execute(CARRIED, {"type": "Referral", "start": period(year).start}).fetchone()[0]
        for year in YEARS
    }
    assert carried == {2019: 421, 2020: 455, 2021: 422}
    assert all(carried[y] == PUBLISHED[y]["ongoing_cases"] - PUBLISHED[y]["new_referrals"] for y in YEARS)


def test_enquiries_are_never_carried_over_and_close_within_days_in_their_own_year(con):
    for year in YEARS:
        assert con.execute(CARRIED, {"type": "Enquiry", "start": period(year).start}).fetchone()[0] == 0
    rows = con.execute(f"SELECT i.opened_on, i.closed_on {RECORDS} AND l.label = 'Enquiry'").fetchall()
    assert len(rows) == sum(p["new_enquiries"] for p in PUBLISHED.values())
    for opened, closed in rows:
        year = next(y for y in (opened.year - 1, opened.year) if period(y).contains(opened))
        assert closed is not None and opened <= closed <= period(year).end
        assert (closed - opened).days <= 14


def test_referrals_begun_before_2019_20_are_only_carry_over_in_the_2019_file(con):
    rows = con.execute(
        f"""SELECT l.label, min(i.opened_on), max(i.opened_on), min(coalesce(i.closed_on, DATE '9999-12-31')),
                   list(DISTINCT f.file_name), count(*)
            {RECORDS.replace("WHERE", "JOIN loads f ON f.load_id = i.load_id WHERE")}
            AND i.opened_on < DATE '2019-02-24' GROUP BY l.label"""
    ).fetchall()
    assert len(rows) == 1
    label, first, last, earliest_close, files, count = rows[0]
    assert (label, files, count) == ("Referral", ["involvements_2019.csv"], 421)
    assert period(2018).start <= first <= last <= period(2018).end  # begun in 2018/19
    assert earliest_close >= date(2019, 2, 24)  # every one still open when 2019/20 began


def test_every_other_record_is_opened_inside_its_files_reporting_year(con):
    rows = con.execute(
        """SELECT f.file_name, min(i.opened_on), max(i.opened_on) FROM involvements i
           JOIN loads f USING (load_id) WHERE i.opened_on >= DATE '2019-02-24' GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    assert [name for name, _, _ in rows] == [f"involvements_{y}.csv" for y in YEARS]
    for (_, first, last), year in zip(rows, YEARS, strict=True):
        assert period(year).start <= first <= last <= period(year).end


def test_first_response_is_within_five_working_days_and_no_date_is_after_the_export_day(con):
    rows = con.execute("SELECT opened_on, first_response_on, closed_on FROM involvements").fetchall()
    for opened, response, _ in rows:
        assert response is None or response in {_add_weekdays(opened, n) for n in range(6)}
    latest = max(d for row in rows for d in row if d is not None)
    assert latest <= date(2022, 2, 23) < date.today()
    assert sum(response is None for _, response, _ in rows) <= 10  # only records begun days before export


def test_each_file_rejects_a_duplicate_an_impossible_date_and_a_total_footer(con, loaded):
    loads = con.execute(
        "SELECT file_name, rows_in, rows_loaded, rows_rejected FROM loads ORDER BY file_name"
    ).fetchall()
    expected_loaded = [1856, 971, 1276]  # 421 carried over + 590 + 845; 405 + 566; 482 + 794
    assert [(name, loaded_) for name, _, loaded_, _ in loads] == list(
        zip([f"involvements_{y}.csv" for y in YEARS], expected_loaded, strict=True)
    )
    assert all(rows_in == rows_loaded + rejected for _, rows_in, rows_loaded, rejected in loads)
    reasons = con.execute(
        """SELECT f.file_name, list(r.reason ORDER BY r.reason) FROM rejects r JOIN loads f USING (load_id)
           GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    assert [found for _, found in reasons] == [["bad_date", "duplicate", "total_row"]] * 3
    assert [r.reasons for r in loaded["results"]] == [{"bad_date": 1, "duplicate": 1, "total_row": 1}] * 3


def test_every_record_has_one_mapped_record_type(con):
    per_record = con.execute(
        """SELECT count(*), count(l.label), count(*) FILTER (l.label = 'Unmapped')
           FROM involvements i LEFT JOIN involvement_labels l
           ON l.involvement_id = i.involvement_id AND l.field = 'record_type'"""
    ).fetchone()
    assert per_record == (1856 + 971 + 1276, 1856 + 971 + 1276, 0)


def test_no_fake_personal_value_reaches_the_database(loaded, monkeypatch):
    monkeypatch.setattr(config, "SAMPLE_DIR", loaded["out"])  # read the personal columns of these files
    values = sample_personal_values()
    assert len(values) > 1000
    assert any(v.startswith("HP") for v in values) and any("@example.org" in v for v in values)
    personal = re.compile(any_of(values))
    assert all(personal.search(f"in a note: {value}.") for value in values)  # the pattern finds each
    found = personal.search(database_text(loaded["db"]))
    assert found is None, found
    found = re.compile(personal.pattern.encode()).search(loaded["db"].read_bytes())
    assert found is None, found
    with db.connect(loaded["db"]) as con:
        notes = [
            n for (n,) in con.execute("SELECT notes FROM involvements WHERE notes IS NOT NULL").fetchall()
        ]
    assert len(notes) > 100 and any("[name]" in n for n in notes)


def test_targets_file_holds_the_published_figures():
    spec = bucks.targets()
    assert {y: {k: v for k, v in f.items() if k != "label"} for y, f in spec["years"].items()} == PUBLISHED
    assert [spec["years"][y]["label"] for y in YEARS] == [period(y).label for y in YEARS]


def test_still_open_counts_that_miss_a_published_carry_over_are_refused():
    spec = copy.deepcopy(bucks.targets())
    spec["still_open"][2019][2020] -= 1
    with pytest.raises(ValueError, match="2020/21: still_open gives 454 carried over, not 455"):
        bucks.check(spec)
    spec = copy.deepcopy(bucks.targets())
    spec["still_open"][2020][2022] = spec["still_open"][2020][2021] + 1
    with pytest.raises(ValueError, match="never rising"):
        bucks.check(spec)


def test_bucks_config_gives_fte_advisers_per_reporting_year():
    raw = yaml.safe_load((config.SERVICES_DIR / "bucks.yaml").read_text(encoding="utf-8"))
    assert raw["staffing"] == {"fte_advisers": {2019: 3.0, 2020: 2.3, 2021: 2.3}}
    assert config.service("bucks").reporting_year == "02-24"  # the loader accepts the new key


def test_record_type_is_optional_so_extracts_without_it_still_load(tmp_path):
    path = write_extract(tmp_path, "involvements.csv", [["A1", "05/01/2024", "08/01/2024", "", "Level 2"]])
    with db.connect(tmp_path / "t.duckdb", read_only=False) as con:
        assert load_file(con, path, "worcs", "involvements").rows_loaded == 1
        assert con.execute("SELECT count(*) FROM involvement_labels").fetchone() == (0,)


def test_record_type_header_and_label_spellings_map_onto_referral_and_enquiry(tmp_path):
    header = ["Record Number", "Date Opened", "Referral or Enquiry"]
    rows = [
        ["B1", "05/01/2024", "referrals"],
        ["B2", "05/01/2024", "General enquiry"],
        ["B3", "06/01/2024", "?"],
    ]
    path = write_extract(tmp_path, "involvements.csv", rows, header=header)
    with db.connect(tmp_path / "t.duckdb", read_only=False) as con:
        result = load_file(con, path, "bucks", "involvements")
        got = con.execute(
            "SELECT involvement_id, raw_label, label FROM involvement_labels WHERE field = 'record_type' "
            "ORDER BY 1"
        ).fetchall()
    assert got == [
        ("B1", "referrals", "Referral"),
        ("B2", "General enquiry", "Enquiry"),
        ("B3", "?", "Unmapped"),
    ]
    assert result.unmapped == {("record_type", "?"): 1}
