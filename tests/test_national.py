"""England's SEN reference figures, and a service's SEN types compared with them, on hand-made data."""

import json
import tomllib
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from sendiass_lib.metrics import mixes, national
from sendiass_lib.views import national as text
from tests.test_mixes import involvement

SHIPPED = yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))
# DfE's breakdown by primary need, January 2024 school census, state-funded schools ("National -
# Special educational needs (SEN)", row "All pupils comparison", 2023/24), rounded by DfE to 10:
# (SEN support, EHC plan) per need as sendiass_lib/reference/england_sen_2024.yaml was committed.
# The stated total of pupils with SEN is 1,540,160; these add up to 1,540,140.
JANUARY_2024 = {
    "SPLD": (158_970, 17_360),
    "MLD": (179_550, 33_950),
    "SLD": (2_190, 31_790),
    "PMLD": (780, 10_010),
    "SEMH": (254_200, 62_130),
    "SLCN": (291_740, 78_200),
    "HI": (17_160, 6_320),
    "VI": (9_770, 3_840),
    "MSI": (3_310, 1_260),
    "PD": (21_870, 14_570),
    "ASD": (104_400, 132_250),
    "OTH": (42_150, 8_730),
    "NSA": (53_640, 0),
}
CODES = list(JANUARY_2024)


def test_shipped_totals_are_the_january_2024_census():
    totals = national.england().totals
    assert totals["pupils_with_sen"] == 1_673_205
    assert totals["ehc_plan"] == 434_354
    assert totals["sen_support"] == totals["pupils_with_sen"] - totals["ehc_plan"]
    assert SHIPPED["source"]["url"].startswith("https://") and SHIPPED["source"]["date"] == "January 2024"


def test_shipped_breakdown_is_dfes_january_2024_figures_for_every_need():
    england = national.england()
    mix = national.england_sen_mix()
    assert england.available and mix[national.CODE].to_list() == CODES
    assert england.breakdown_source["url"].startswith("https://")
    assert england.breakdown_coverage == "state-funded schools in England"
    columns = (
        national.CODE,
        national.ENGLAND_SEN_SUPPORT,
        national.ENGLAND_EHC_PLAN,
        national.ENGLAND_PUPILS,
    )
    for code, support, plan, pupils in mix.select(columns).iter_rows():
        assert (support, plan, pupils) == (*JANUARY_2024[code], sum(JANUARY_2024[code])), code
    assert sum(map(sum, JANUARY_2024.values())) == 1_540_140  # the needs' sum
    assert england.base == 1_540_160  # the stated total: the base of England's shares


def test_england_shares_are_of_the_breakdowns_stated_total_not_the_all_schools_total():
    england = national.england()
    shares = dict(zip(england.needs[national.CODE], england.needs[national.ENGLAND_SHARE], strict=True))
    assert england.base == 1_540_160 != england.totals["pupils_with_sen"]
    assert shares["ASD"] == pytest.approx((104_400 + 132_250) / 1_540_160)
    assert shares["SEMH"] == pytest.approx((254_200 + 62_130) / 1_540_160)
    assert shares["NSA"] == pytest.approx((53_640 + 0) / 1_540_160)
    # The needs add to 1,540,140 of the stated 1,540,160: 100% only to within rounding.
    assert sum(shares.values()) == pytest.approx(1_540_140 / 1_540_160)


def test_shipped_breakdown_adds_up_to_its_stated_totals_within_rounding():
    england = national.england()
    stated = SHIPPED["breakdown"]["totals"]
    assert stated["with_sen"] == stated["sen_support"] + stated["ehc_plan"]
    # SEN support rows add to 1,139,730 against a stated 1,139,750; EHC plan rows add up exactly.
    assert england.added_up() == {
        "sen_support": (1_139_730, 1_139_750),
        "ehc_plan": (400_410, 400_410),
        "with_sen": (1_540_140, 1_540_160),
    }


def test_nsa_has_pupils_only_under_sen_support():
    nsa = national.england().needs.row(CODES.index("NSA"), named=True)
    assert nsa[national.ENGLAND_EHC_PLAN] == 0 and nsa[national.ENGLAND_SEN_SUPPORT] > 0
    assert nsa[national.ENGLAND_PUPILS] == nsa[national.ENGLAND_SEN_SUPPORT]


def test_a_column_may_miss_its_total_by_the_rounding_but_a_figure_mistyped_beyond_it_is_an_error(tmp_path):
    # Rounded to 10, 13 needs and the total may each be 5 off: up to 70 is rounding, more is an error.
    raw = yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))
    path = tmp_path / "england.yaml"
    raw["breakdown"]["needs"][0]["sen_support"] += 90  # SPLD: 1,139,820, 70 from the stated 1,139,750
    path.write_text(yaml.safe_dump(raw))
    assert national.england(path).added_up()["sen_support"] == (1_139_820, 1_139_750)
    raw["breakdown"]["needs"][0]["sen_support"] += 10  # 1,139,830: 80 off
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="sen_support adds up to 1,139,830, not 1,139,750"):
        national.england(path)


@pytest.mark.parametrize(
    ("need", "column", "typed"),
    [
        ("SPLD", "sen_support", 159_870),  # 158,970 with two digits swapped: 900 over
        ("ASD", "ehc_plan", 123_250),  # 132,250 with two digits swapped: 9,000 under
        ("NSA", "sen_support", 5_364),  # 53,640 with a digit dropped
    ],
)
def test_a_mistyped_need_is_refused_naming_the_column_that_no_longer_adds_up(tmp_path, need, column, typed):
    raw = yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))
    [entry] = [n for n in raw["breakdown"]["needs"] if n["code"] == need]
    assert entry[column] == JANUARY_2024[need][column == "ehc_plan"]  # the figure being mistyped
    entry[column] = typed
    path = tmp_path / "england.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match=f"breakdown {column} adds up to .*, not .* as stated"):
        national.england(path)


def test_a_mistyped_stated_total_is_refused(tmp_path):
    raw = yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))
    raw["breakdown"]["totals"]["ehc_plan"] = 400_140  # 400,410 with two digits swapped
    path = tmp_path / "england.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="breakdown ehc_plan adds up to 400,410, not 400,140 as stated"):
        national.england(path)


def reference(tmp_path: Path, pupils: dict[str, int | None]) -> Path:
    """A copy of the shipped file with made-up pupils per need and no stated totals (test data, not
    England's): shares are then of the needs' own sum."""
    raw = yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))
    for need in raw["breakdown"]["needs"]:
        del need["sen_support"], need["ehc_plan"]
        need["pupils"] = pupils.get(need["code"], 0)
    raw["breakdown"].pop("totals")
    raw["breakdown"]["source"] = {"publisher": "test", "title": "test figures"}
    path = tmp_path / "england.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def without_breakdown(tmp_path: Path) -> Path:
    """A copy of the shipped file with no figure for any need, as before England's were entered."""
    raw = yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))
    for need in raw["breakdown"]["needs"]:
        need["sen_support"] = need["ehc_plan"] = None
    raw["breakdown"]["source"] = raw["breakdown"]["totals"] = None
    path = tmp_path / "england.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


# Made-up England: 1,000 pupils, SPLD 100, ASD 200, SEMH 300, SLCN 400 (every other need 0).
ENGLAND = {"SPLD": 100, "ASD": 200, "SEMH": 300, "SLCN": 400}


def rows(comparison: national.SenTypeComparison) -> dict[str, dict]:
    return {r[national.CODE]: r for r in comparison.rows.iter_rows(named=True)}


def test_a_made_up_breakdown_gives_shares_of_its_own_total(tmp_path):
    mix = national.england_sen_mix(reference(tmp_path, ENGLAND))
    shares = dict(zip(mix[national.CODE], mix[national.ENGLAND_SHARE], strict=True))
    assert (shares["SPLD"], shares["ASD"], shares["SEMH"], shares["SLCN"], shares["HI"]) == (
        0.1,
        0.2,
        0.3,
        0.4,
        0,
    )


def test_a_partial_breakdown_is_an_error_not_zeros(tmp_path):
    path = reference(tmp_path, ENGLAND)
    raw = yaml.safe_load(path.read_text())
    raw["breakdown"]["needs"][0]["pupils"] = None  # SPLD
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="no figure for SPLD"):
        national.england(path)


def test_labels_are_counted_by_code_and_compared_with_england(con, internal, tmp_path):
    # 4 involvements, 8 SEN types: ASD 2 and ADHD 2, SEMH 1 (SEMH 3 of 8), Dyslexia 1 (SPLD),
    # Speech and lang 1 (SLCN), Unmapped 1 (no code).
    involvement(con, "a", date(2024, 2, 1), sen_types=["ASD", "ADHD"])
    involvement(con, "b", date(2024, 3, 1), sen_types=["ASD", "ADHD", "SEMH"])
    involvement(con, "c", date(2024, 4, 1), sen_types=["Dyslexia", "Speech and lang"])
    involvement(con, "d", date(2024, 5, 1), sen_types=["Unmapped"])
    comparison = mixes.compare_sen_types(con, "worcs", 2024, reference(tmp_path, ENGLAND))
    found = rows(comparison)
    assert comparison.labels_recorded == 8 and comparison.hidden == {}
    assert found["ASD"][national.SERVICE] == 2 / 8
    assert found["SEMH"][national.SERVICE] == 3 / 8
    assert found["SEMH"][national.LABELS] == "ADHD, Attachment, Behaviour, Eating Disorder, SEMH"
    assert found["SPLD"][national.SERVICE] == found["SLCN"][national.SERVICE] == 1 / 8
    assert found["HI"][national.SERVICE] == 0
    assert found[national.UNMAPPED_NEED][national.SERVICE] == 1 / 8
    assert found[national.UNMAPPED_NEED][national.ENGLAND] is None
    assert found["ASD"][national.DIFFERENCE] == pytest.approx(0.25 - 0.2)
    assert found["SLCN"][national.DIFFERENCE] == pytest.approx(0.125 - 0.4)
    assert comparison.rows[national.SERVICE].sum() == pytest.approx(1)
    assert comparison.rows[national.NEED][-1] == national.UNMAPPED_NEED  # after England's needs
    assert text.headline(comparison).data.startswith(
        "Counted by DfE primary need, Worcestershire SENDIASS's SEN types in 2024 were most above England "
        "in SEMH (37.5% against 30.0%) and most below in SLCN (12.5% against 40.0%)"
    )
    assert text.points(0.05) == "+5.0" and text.points(-0.375) == "-37.5" and text.points(0) == "0.0"


def test_without_a_breakdown_the_service_side_is_shown_and_england_is_not_available(con, internal, tmp_path):
    involvement(con, "a", date(2024, 2, 1), sen_types=["ASD", "ADHD"])
    comparison = mixes.compare_sen_types(con, "worcs", 2024, without_breakdown(tmp_path))
    assert not comparison.england.available
    assert comparison.table().columns == [national.NEED, national.SERVICE, national.LABELS]
    assert comparison.rows[national.ENGLAND].null_count() == comparison.rows.height
    assert rows(comparison)["ASD"][national.SERVICE] == 0.5
    words = text.headline(comparison).data
    assert "most often SEMH (50%) and ASD (50%)" in words  # a tie keeps the DfE order
    assert "not in the workbench's reference figures, so no comparison by need is made" in words
    assert "1,673,205 pupils in schools in England had special educational needs" in words
    assert "434,354 with an education, health and care (EHC) plan" in words
    assert "not available" in text.table_note(comparison)


def test_the_shipped_comparison_sets_the_service_beside_england_by_need(con, internal):
    # 2 SEN types: ASD 1, SEMH 1 (50% each); England's ASD (104,400 + 132,250) / 1,540,160 = 15.4%
    # is furthest below 50%, and SLCN (291,740 + 78,200) / 1,540,160 = 24.0% the largest with none.
    involvement(con, "a", date(2024, 2, 1), sen_types=["ASD", "SEMH"])
    comparison = mixes.compare_sen_types(con, "worcs", 2024)
    found = rows(comparison)
    assert comparison.table().columns == [
        national.NEED, national.SERVICE, national.ENGLAND, national.DIFFERENCE, national.LABELS,
    ]  # fmt: skip
    assert found["ASD"][national.DIFFERENCE] == pytest.approx(0.5 - 236_650 / 1_540_160)
    assert text.headline(comparison).data == (
        "Counted by DfE primary need, Worcestershire SENDIASS's SEN types in 2024 were most above England "
        "in ASD (50.0% against 15.4%) and most below in SLCN (0.0% against 24.0%): percentages of SEN "
        "types recorded, against percentages of England's pupils with SEN in state-funded schools in "
        "England (January 2024)."
    )
    assert text.caption(comparison).endswith("and England (state-funded schools, January 2024)")


def test_the_page_says_what_englands_shares_are_of_and_prints_every_caveat(con, internal):
    involvement(con, "a", date(2024, 2, 1), sen_types=["ASD", "SEMH"])
    comparison = mixes.compare_sen_types(con, "worcs", 2024)
    note = text.table_note(comparison)
    assert "England percentages are of the 1,540,160 pupils with SEN in state-funded schools" in note
    assert "not the 1,673,205 pupils with SEN in all schools" in note
    caveats = text.comparability_note(comparison).data
    for said in (
        "not like for like",  # one primary need per pupil against every need a family mentions
        "nearest 10",  # rounding, and the columns against their stated totals
        "1,139,730 pupils on SEN support against a stated 1,139,750",
        "of the stated total of pupils with SEN (1,540,160), not of the needs' sum (1,540,140)",
        "state-funded schools in England (January 2024), where 1,540,160 of 8,497,940 pupils had SEN",
        "(1,673,205 pupils with SEN, 434,354 with an EHC plan)",  # the all-schools totals: not the base
        "NSA (SEN support but no specialist assessment of type of need) exists only under SEN support",
        'data set "National - Special educational needs (SEN)"',
    ):
        assert said in caveats, said
    assert "https://" not in caveats  # named, not linked: a page links nowhere outside itself
    assert all(caveat in caveats for caveat in comparison.england.caveats)


def test_the_committed_page_shows_england_beside_the_service_and_the_caveats():
    # The notebook's stored outputs are nbval's baseline: the page as built from the sample.
    notebook = json.loads((Path(__file__).parents[1] / "notebooks" / "sen_types.ipynb").read_text())
    shown = " ".join(
        "".join(output.get("data", {}).get("text/markdown", ""))
        + "".join(output.get("data", {}).get("text/html", ""))
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )
    assert '<th scope="col">England %</th>' in shown
    for said in ("nearest 10", "state-funded schools", "exists only under SEN support", "not like for like"):
        assert said in shown, said


def test_a_hidden_service_share_stays_hidden_with_the_next_smallest(con, tmp_path):
    # Disclosure on (suppress 1-4): ASD 20, ADHD 6 and SEMH 4 (code SEMH: label SEMH hidden, and so
    # ADHD, the smallest other label), Dyslexia 7 (code SPLD); 37 SEN types.
    n = 0
    for label, times in [("ASD", 20), ("ADHD", 6), ("SEMH", 4), ("Dyslexia", 7)]:
        for _ in range(times):
            involvement(con, f"i{n}", date(2024, 6, 1), sen_types=[label])
            n += 1
    comparison = mixes.compare_sen_types(con, "worcs", 2024, reference(tmp_path, ENGLAND))
    found = rows(comparison)
    need = found["SEMH"][national.NEED]
    assert found["SEMH"][national.SERVICE] is None and found["SEMH"][national.DIFFERENCE] is None
    assert found["SEMH"][national.ENGLAND] == 0.3  # England's share is not the service's to hide
    # SEMH is the one code hidden: the smallest other non-zero code (SPLD, 7) goes too, or SEMH's
    # share would be 100% less the others.
    assert found["SPLD"][national.SERVICE] is None
    assert found["ASD"][national.SERVICE] == 20 / 37
    assert comparison.hidden == {
        need: [national.SERVICE, national.DIFFERENCE],
        found["SPLD"][national.NEED]: [national.SERVICE, national.DIFFERENCE],
    }
    html = text.table(comparison).data
    semh_row = html.split(f'<th scope="row">{need}</th>')[1].split("</tr>")[0]
    assert semh_row.count("[c]") == 2 and "30.0%" in semh_row
    assert "SEMH" not in text.headline(comparison).data


def test_too_few_sen_types_hides_every_service_share(con, tmp_path):
    for i in range(6):
        involvement(con, f"i{i}", date(2024, 6, 1), sen_types=["ASD"])
    comparison = mixes.compare_sen_types(con, "worcs", 2024, reference(tmp_path, ENGLAND))
    assert comparison.rows[national.SERVICE].null_count() == comparison.rows.height
    assert set(comparison.hidden) == set(comparison.rows[national.NEED])
    assert text.headline(comparison).data.startswith("Too few SEN types were recorded")


def test_reference_file_is_in_the_package_data():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["sendiass_lib"]
    assert any(fnmatch("reference/england_sen_2024.yaml", pattern) for pattern in patterns)
