"""Label mixes (reasons, SEN type, contact profile, levels) on small data worked out by hand."""

from datetime import date, timedelta

import polars as pl
import pytest

from sendiass_lib import fields, labels
from sendiass_lib.ingest.contract import base_contract
from sendiass_lib.metrics import label_mix, mixes
from sendiass_lib.views import mixes as mixes_view
from tests import published


def involvement(con, ident, opened, level=None, **labels):
    con.execute(
        """INSERT INTO involvements (service, involvement_id, opened_on, intervention_level, load_id)
           VALUES ('worcs', ?, ?, ?, 1)""",
        [ident, opened, level],
    )
    for field, values in labels.items():
        for label in values:
            con.execute(
                """INSERT INTO involvement_labels (service, involvement_id, field, raw_label, label, load_id)
                   VALUES ('worcs', ?, ?, ?, ?, 1)""",
                [ident, field, label, label],
            )


def shares(mix, column=label_mix.SHARE):
    return {k: v for k, v in zip(mix.rows[label_mix.LABEL], mix.rows[column], strict=True) if v}


def test_the_loader_types_label_columns_as_the_metrics_group_them():
    columns = {c.name: c for c in base_contract("involvements").columns}
    assert {name for name, c in columns.items() if c.is_label} == set(fields.label_fields())
    for name, field in fields.label_fields().items():
        assert (columns[name].taxonomy, columns[name].type == "labels") == (field.taxonomy, field.multi)


def test_several_reasons_count_once_each_and_shares_are_of_reasons_recorded(con, internal):
    # 3 involvements, 4 reasons: EHCP twice, Transport once, Tribunal once; one has no reason.
    involvement(con, "a", date(2023, 5, 1), reasons=["EHCP", "Transport"])
    involvement(con, "b", date(2023, 6, 1), reasons=["EHCP"])
    involvement(con, "c", date(2023, 7, 1), reasons=["Tribunal"])
    involvement(con, "d", date(2023, 8, 1))
    [mix] = mixes.mixes(con, "worcs", "reasons", 2023)
    assert (mix.involvements, mix.recorded, mix.labels_recorded, mix.not_recorded) == (4, 3, 4, 1)
    assert shares(mix) == {"EHCP": 0.5, "Transport": 0.25, "Tribunal": 0.25}
    assert shares(mix, label_mix.SHARE_OF_INVOLVEMENTS) == {"EHCP": 0.5, "Transport": 0.25, "Tribunal": 0.25}
    assert mix.share("Bullying") == 0.0  # listed with none: the table shows every reason of the list
    assert mix.rows.height == 28  # the list in force until March 2024
    note = mixes_view.base_note(mix)
    assert "4 reasons recorded for the 4 involvements opened in 2023" in note
    assert "1 (25%) had none recorded" in note


def test_a_year_spanning_the_new_reasons_list_gives_one_mix_per_list(con):
    involvement(con, "a", date(2024, 3, 31), reasons=["Attendance"])
    involvement(con, "b", date(2024, 4, 1), reasons=["Low Attendance"])
    before, after = mixes.mixes(con, "worcs", "reasons", 2024)
    assert (before.period.start, before.period.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert (after.period.start, after.period.end) == (date(2024, 4, 1), date(2024, 12, 31))
    assert before.period.label == "1 Jan - 31 Mar 2024"
    assert shares(before) == {"Attendance": 1.0} and shares(after) == {"Low Attendance": 1.0}


def test_single_label_shares_are_of_those_recorded_and_blanks_are_reported_apart(con, internal):
    involvement(con, "a", date(2024, 1, 2), contact_method=["email in"])
    involvement(con, "b", date(2024, 1, 3), contact_method=["telephone call in"])
    involvement(con, "c", date(2024, 1, 4), contact_method=["telephone call in"])
    involvement(con, "d", date(2024, 1, 5))
    [mix] = mixes.mixes(con, "worcs", "contact_method", 2024)
    assert shares(mix) == {"email in": pytest.approx(1 / 3), "telephone call in": pytest.approx(2 / 3)}
    assert mix.base == 3 and mix.not_recorded == 1
    assert mixes_view.base_note(mix).endswith("with one recorded. 1 (25%) had none recorded.")


def test_unmapped_labels_are_listed_after_the_taxonomy_not_dropped(con):
    involvement(con, "a", date(2024, 1, 2), sen_types=["ASD", "Unmapped"])
    [mix] = mixes.mixes(con, "worcs", "sen_types", 2024)
    assert mix.rows[label_mix.LABEL][-1] == "Unmapped"
    assert shares(mix) == {"ASD": 0.5, "Unmapped": 0.5}


def test_levels_are_shares_of_involvements_with_a_level(con):
    for i, level in enumerate([1, 1, 1, 2, None]):
        involvement(con, f"i{i}", date(2024, 2, 1), level=level)
    mix = mixes.levels(con, "worcs", 2024)
    assert mix.rows[label_mix.COUNT].to_list() == [3, 1, 0, 0]
    assert shares(mix) == {"Level 1": 0.75, "Level 2": 0.25}
    assert mix.not_recorded == 1


def test_unknown_label_column_names_the_valid_ones(con):
    with pytest.raises(ValueError, match="unknown label column 'reason'; valid: caller_type, contact_method"):
        mixes.mixes(con, "worcs", "reason", 2024)


def test_headline_names_the_three_most_common(con, internal):
    for i, reason in enumerate(["EHCP"] * 3 + ["Transport"] * 2 + ["Tribunal", "Legal"]):
        involvement(con, f"i{i}", date(2023, 3, 1), reasons=[reason])
    text = mixes_view.headline(mixes.mixes(con, "worcs", "reasons", 2023)).data
    assert text == (
        "Reasons for contact, 2023: the most common were EHCP (43%), Transport (29%) and Legal (14%)."
    )


def test_theme_trend_spans_the_change_of_reasons_list(con):
    # 2023 (old list): Tribunal, Mediation, EHCP -> appeals 2/3, plans 1/3.
    # 2024: Tribunal (old list, Feb), Tribunal Support and EHCP Quality (new list), Transport:
    # appeals 2/4, plans 1/4, transport 1/4.
    for i, (day, reason) in enumerate(
        [
            (date(2023, 2, 1), "Tribunal"),
            (date(2023, 3, 1), "Mediation"),
            (date(2023, 4, 1), "EHCP"),
            (date(2024, 2, 1), "Tribunal"),
            (date(2024, 5, 1), "Tribunal Support"),
            (date(2024, 6, 1), "EHCP Quality"),
            (date(2024, 7, 1), "Transport"),
        ]
    ):
        involvement(con, f"i{i}", day, reasons=[reason])
    # involvement() stores the label without its list; the loader sets it from the opening date.
    con.execute(
        "UPDATE involvement_labels SET list = 'to Mar 2024' WHERE involvement_id IN ('i0','i1','i2','i3')"
    )
    con.execute("UPDATE involvement_labels SET list = 'from Apr 2024' WHERE list IS NULL")
    trend = mixes.theme_trend(con, "worcs", "reasons", 2024, years=2).shares
    rows = {r[0]: r[1:] for r in trend.iter_rows()}
    assert trend.columns == ["Theme", "2023", "2024"]
    assert rows["Disagreements and appeals"] == pytest.approx((2 / 3, 2 / 4))
    assert rows["EHC plans"] == pytest.approx((1 / 3, 1 / 4))
    assert rows["Transport"] == pytest.approx((0, 1 / 4))
    assert trend["Theme"][0] == "Disagreements and appeals"  # largest in the last year first


def test_definitions_are_those_of_the_list_in_force():
    printed = published.table("reason_definitions")
    new = mixes.definitions("reasons", date(2024, 12, 31))
    assert new.height == printed["defined"]  # "Link System Navigator" has no published definition
    assert dict(new.iter_rows()).items() >= printed["definitions"].items()
    assert mixes.definitions("reasons", date.fromisoformat(printed["list_from"]) - timedelta(1)).is_empty()


def test_level_definitions_are_the_four_national_levels():
    printed = published.table("intervention_level_definitions")["levels"]
    defs = mixes.level_definitions()
    assert defs["Level"].to_list() == list(printed)
    for level, definition in defs.iter_rows():
        assert definition.startswith(printed[level]), level


def test_themes_tied_in_the_last_year_keep_the_taxonomy_order_on_every_run(con):
    # One involvement citing one label of each theme on the new list: every theme ties at one.
    taxonomy = labels.taxonomy("reasons").filter(pl.col("list") == "from Apr 2024").drop_nulls("theme")
    firsts = taxonomy.unique("theme", keep="first", maintain_order=True)
    for i, label in enumerate(firsts["label"]):
        involvement(con, f"t{i}", date(2024, 5, 1), reasons=[label])
    con.execute("UPDATE involvement_labels SET list = 'from Apr 2024' WHERE list IS NULL")
    runs = {
        tuple(mixes.theme_trend(con, "worcs", "reasons", 2024, years=1).shares["Theme"]) for _ in range(20)
    }
    assert len(runs) == 1  # the same page on every build
    (order,) = runs
    everything = labels.taxonomy("reasons")["theme"].drop_nulls().unique(maintain_order=True).to_list()
    tied = [theme for theme in order if theme in set(firsts["theme"])]
    assert tied == sorted(tied, key=everything.index)
