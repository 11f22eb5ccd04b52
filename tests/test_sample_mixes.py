"""The sample's label columns reproduce every published label table to its printed precision."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest

from sendiass_lib import db, labels
from sendiass_lib.sample import calibrate
from tests import published

TABLES = published.section("label_mixes")


def printed(count: int, base: int, decimals: int) -> float:
    """A share as the report prints it: percent, rounded half-up."""
    exact = Decimal(100 * count) / Decimal(base)
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def canonical(table: dict) -> dict[str, str]:
    """Printed label -> the taxonomy label it maps to, on the table's first day."""
    first_day = date.fromisoformat(table["period"][0])
    raw = pl.DataFrame({"raw_label": list(table["rows"]), "on": [first_day] * len(table["rows"])})
    mapped = labels.map_labels(raw, table["field"])
    return dict(zip(mapped["raw_label"], mapped["label"], strict=True))


def label_counts(con, table: dict) -> tuple[dict[str, int], int, int, int]:
    """Involvements citing each label, labels recorded, involvements with the field recorded, and
    all involvements opened in the table's period."""
    where = "service = ? AND opened_on BETWEEN ? AND ?"
    params = [table["service"], *table["period"]]
    rows = con.execute(
        f"""SELECT label, count(DISTINCT involvement_id) FROM involvement_labels
            JOIN involvements USING (service, involvement_id) WHERE field = ? AND {where} GROUP BY 1""",
        [table["field"], *params],
    ).fetchall()
    recorded, everyone = con.execute(
        f"""SELECT count(DISTINCT l.involvement_id), (SELECT count(*) FROM involvements WHERE {where})
            FROM involvement_labels l JOIN involvements i USING (service, involvement_id)
            WHERE l.field = ? AND i.{where}""",
        [*params, table["field"], *params],
    ).fetchone()
    found = dict(rows)
    return found, sum(found.values()), recorded, everyone


@pytest.mark.parametrize("table", TABLES, ids=[t["id"] for t in TABLES])
def test_sample_reproduces_the_published_label_table(sample_db, table):
    names = canonical(table)
    assert labels.UNMAPPED not in names.values(), names
    parts = {t["part_of"]: t for t in TABLES if "part_of" in t}
    owner = next((t for t in TABLES if t["id"] == table.get("part_of")), table)
    with db.connect(sample_db) as con:
        found, cited, recorded, everyone = label_counts(con, owner)
    base = {"labels": cited, "involvements": everyone, "recorded": recorded}[owner["base"]]
    got = {}
    for label in table["rows"]:
        if label == table.get("not_recorded"):
            got[label] = printed(everyone - recorded, everyone, table["decimals"])
        elif label == "Other" and table["id"] in parts:  # the printed breakdown, summed
            part_labels = set(canonical(parts[table["id"]]).values())
            got[label] = printed(sum(found.get(x, 0) for x in part_labels), base, table["decimals"])
        else:
            got[label] = printed(found.get(names[label], 0), base, table["decimals"])
    assert got == table["rows"]


def test_sample_labels_all_map_to_a_taxonomy(sample_db):
    with db.connect(sample_db) as con:
        unmapped = con.execute(
            "SELECT service, field, raw_label FROM involvement_labels WHERE label = ?", [labels.UNMAPPED]
        ).fetchall()
    assert unmapped == []


def test_sample_spells_some_labels_the_way_exports_do(sample_db):
    with db.connect(sample_db) as con:
        spellings = dict(
            con.execute(
                """SELECT raw_label, any_value(label) FROM involvement_labels
                   WHERE raw_label IN ('Autism', 'ASC', 'SEMh', 'Parent/Carer', 'Phone call in') GROUP BY 1"""
            ).fetchall()
        )
    assert spellings == {
        "Autism": "ASD",
        "ASC": "ASD",
        "SEMh": "SEMH",
        "Parent/Carer": "Family Members",
        "Phone call in": "telephone call in",
    }


def test_counts_print_as_the_given_percentages_and_sum_to_the_base():
    found = calibrate.counts({"a": 33.3, "b": 33.3, "c": 33.3}, 1, 3)
    assert found == {"a": 1, "b": 1, "c": 1}
    assert calibrate.counts({"a": 50, "b": 50}, 0, 3) is None  # 2/3 prints 67, 1/3 prints 33


def test_count_range_rounds_half_up():
    # 1 of 8 is 12.5%: printed as 13 (half up), so 13 admits 1 of 8 and 12 does not.
    assert calibrate.count_range(13, 0, 8) == (1, 1)
    assert calibrate.count_range(12, 0, 8) == (1, 0)  # empty: nothing prints as 12


def test_smallest_base_finds_the_first_base_the_percentages_fit():
    # 9.1% steps are elevenths: Herefordshire's evaluation answers.
    assert calibrate.smallest_base({"4": 72.7, "3": 18.2, "1": 9.1}, 1, 5, 20) == (
        11,
        {"4": 8, "3": 2, "1": 1},
    )
