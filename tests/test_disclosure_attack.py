"""The attack of issue 18 as a test: read only what a reader has (every published page of a service,
the taxonomy crosswalk and the printed report's groups that ship with the project), set up every
linear relation between the printed figures, and ask of each hidden cell what range of values is
consistent with all of them (an audit, as tau-argus and sdcTable do). A hidden cell is protected when
that range is at least as wide as the service's rule asks (suppress_below - 1: a 1 cannot be told from
a 5). The attack uses no library code to decide what is hidden or how figures relate; the library
only builds the pages (tests/attack/ reads them).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter
from pathlib import Path

import pytest

from sendiass_lib import publish
from tests.attack import snippets
from tests.attack.attack import BUILDERS, RATING_BUILDERS, Attack, attack_site
from tests.attack.audit import Finding, Inconsistent
from tests.attack.pages import HIDDEN
from tests.attack.rule import documented_line_rule
from tests.attack.site import LIB, ratings_suppressed, read_site

SERVICES = sorted(path.stem for path in (LIB / "services").glob("*.yaml"))
PAGE_TYPES = [
    "headline",
    "involvements",
    "reasons",
    "sen_types",
    "contact",
    "data_quality",
    "service",
    "training",
]
OTHER = "any other page"


@pytest.fixture(scope="session")
def published_pages(sample_db, tmp_path_factory) -> Path:
    """Every page of every service and year, built once from the sample database."""
    out = tmp_path_factory.mktemp("published")
    result = publish.build_all(db_path=sample_db, out_dir=out, progress=lambda _: None)
    assert not result.failures
    return out


@pytest.fixture(scope="session")
def attacks(published_pages) -> dict[str, tuple[Attack, Attack, float]]:
    """{service: (the attack on its counts, the attack on its evaluation ratings, seconds taken)}."""
    out = {}
    for slug in SERVICES:
        start = time.perf_counter()
        site = read_site(published_pages, slug)
        counts, ratings = attack_site(site, BUILDERS), attack_site(site, RATING_BUILDERS)
        out[slug] = (counts, ratings, time.perf_counter() - start)
    return out


def listing(findings: list[tuple[str, Finding]]) -> str:
    return "\n".join(f"  {slug} {finding}" for slug, finding in findings)


@pytest.mark.parametrize("page_type", [*PAGE_TYPES, OTHER])
def test_no_hidden_figure_can_be_narrowed_below_the_rule_from_the_published_pages(attacks, page_type):
    leaks = [
        (slug, f)
        for slug, (counts, _, _) in attacks.items()
        for f in counts.leaks()
        if f.target.where.page == page_type or (page_type == OTHER and f.target.where.page not in PAGE_TYPES)
    ]
    if leaks:
        pytest.fail(
            f"{len(leaks)} hidden figures on {page_type} pages narrower than the rule:\n{listing(leaks)}"
        )


def test_no_rating_by_one_to_four_people_can_be_worked_out_where_the_service_suppresses_them(attacks):
    # Ratings on anonymous forms are shown unless a service's file says `rating_counts: suppressed`
    # (docs/publishing.md); the test below proves the setting with a service that does.
    leaks = [
        (slug, f)
        for slug, (_, ratings, _) in attacks.items()
        if ratings_suppressed(slug)
        for f in ratings.leaks()
    ]
    if leaks:
        pytest.fail(f"{len(leaks)} rating counts pinned to a small number:\n{listing(leaks)}")


def test_with_rating_counts_suppressed_no_rating_by_one_to_four_people_can_be_worked_out(
    sample_db, tmp_path, monkeypatch
):
    import shutil

    import yaml

    from sendiass_lib import config

    services = tmp_path / "services"
    shutil.copytree(config.SERVICES_DIR, services)
    for slug in ("worcs", "bucks"):
        path = services / f"{slug}.yaml"
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["disclosure"]["rating_counts"] = "suppressed"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    monkeypatch.setenv("SENDIASS_SERVICES_DIR", str(services))  # the kernels that build the pages
    monkeypatch.setattr(config, "SERVICES_DIR", services)
    config.services.cache_clear()
    out = tmp_path / "out"
    try:
        for slug, year in (("worcs", 2024), ("bucks", 2021)):
            # The pages only: the sample's narratives cite ratings this rule hides, so their reports
            # are refused (docs/narrative.md), as they should be.
            result = publish.build_report(
                slug, year, db_path=sample_db, out_dir=out, progress=lambda _: None, document=False
            )
            assert not result.failures
        leaks, hidden = [], 0
        for slug in ("worcs", "bucks"):
            ratings = attack_site(read_site(out, slug), RATING_BUILDERS)
            hidden += len(ratings.findings)
            leaks += [(slug, f) for f in ratings.leaks()]
    finally:
        config.services.cache_clear()
    assert hidden > 20  # ratings by few people were hidden, and audited
    assert not leaks, f"{len(leaks)} rating counts pinned to a small number:\n{listing(leaks)}"


def test_every_hidden_cell_on_the_pages_is_audited(attacks):
    missing = []
    for slug, (counts, ratings, _) in attacks.items():
        audited = {
            (w.year, w.page, w.caption, w.row)
            for f in counts.findings + ratings.findings
            for w in [f.target.where]
        }
        for year, page in counts.site.pages():
            for table in page.tables:
                missing += [
                    f"{slug} {year} {page.name}: {table.caption} / {row}"
                    for row, cells in table.rows
                    if HIDDEN in cells and (year, page.name, table.caption, row) not in audited
                ]
    assert not missing, "\n".join(missing)


def test_the_pages_agree_with_each_other_and_every_small_number_sentence_is_read(attacks):
    for counts, ratings, _ in attacks.values():
        assert not counts.system.conflicts + ratings.system.conflicts
        assert not counts.unread


def test_every_relation_the_attack_knows_is_found_on_the_sample_pages(attacks):
    read = Counter()
    for counts, ratings, _ in attacks.values():
        read.update(counts.read)
        read.update(ratings.read)
    # No sample year has fewer than 5 involvements; the printed report's one label group whose
    # share the data-quality page gives holds a hidden SEN type, so that share is [c] too.
    expected_empty = {"fewer_than", "printed_report_groups"}
    assert {name for name, n in read.items() if not n} == expected_empty


def test_the_attack_on_every_service_and_year_takes_seconds(attacks):
    assert sum(seconds for _, _, seconds in attacks.values()) < 30


# The cases, each on a hand-made page.

NOTE_678 = (
    "Percentages are of the 678 reasons recorded for the 658 involvements opened in 1 Jan - 31 Mar 2024: "
    "an involvement with several counts once for each."
)
JAN_MAR = [
    ("Admissions", "[c]", "[c]"),
    ("EHCP", "400", "59.0%"),
    ("Elective home education", "[c]", "[c]"),
    ("Other", "262", "38.6%"),
    ("Transport", "[c]", "[c]"),
    ("Link Keyworker", "[c]", "[c]"),
]
NOTE_1828 = (
    "Percentages are of the 1,828 reasons recorded for the 1,828 involvements opened in 1 Apr - 31 Dec 2024: "
    "an involvement with several counts once for each."
)
APR_DEC = [
    ("Bullying", "[c]", "[c]"),
    ("EHCP Implementation", "1,000", "54.7%"),
    ("Other", "825", "45.1%"),
    ("Safeguarding", "[c]", "[c]"),
    ("Transport", "[c]", "[c]"),
]


def audited(pages: dict[int, dict[str, str]], builders=BUILDERS, groups=None) -> tuple[Attack, dict]:
    """The attack on hand-made pages, and its findings by (row, column)."""
    result = attack_site(snippets.site(pages, groups), builders)
    return result, {(f.target.where.row, f.target.where.column): f for f in result.findings}


def interval(finding: Finding) -> tuple[float, float]:
    return finding.lo, finding.hi


def test_four_hidden_reasons_summing_to_16_are_each_recovered_as_4_by_a_reader_who_knows_the_rule():
    reasons = snippets.list_table("Reasons for contact", "1 Jan - 31 Mar 2024", JAN_MAR, NOTE_678)
    result, found = audited(
        {2024: {"reasons": snippets.page("2024", reasons)}}, [*BUILDERS, documented_line_rule]
    )
    hidden = ["Admissions", "Elective home education", "Transport", "Link Keyworker"]
    assert [interval(found[row, "Involvements"]) for row in hidden] == [(4, 4)] * 4
    assert len(result.leaks()) == 4


def test_four_hidden_reasons_summing_to_16_are_each_0_to_16_to_a_reader_who_assumes_nothing_of_c():
    reasons = snippets.list_table("Reasons for contact", "1 Jan - 31 Mar 2024", JAN_MAR, NOTE_678)
    result, found = audited({2024: {"reasons": snippets.page("2024", reasons)}})
    assert interval(found["Admissions", "Involvements"]) == (0, 16)
    assert not result.leaks()


def test_three_hidden_reasons_summing_to_3_are_each_recovered_as_1_by_a_reader_who_knows_the_rule():
    reasons = snippets.list_table("Reasons for contact", "1 Apr - 31 Dec 2024", APR_DEC, NOTE_1828)
    _, found = audited({2024: {"reasons": snippets.page("2024", reasons)}}, [*BUILDERS, documented_line_rule])
    assert [interval(found[row, "Involvements"]) for row in ("Bullying", "Safeguarding", "Transport")] == [
        (1, 1)
    ] * 3


def test_three_hidden_reasons_summing_to_3_are_too_narrow_even_assuming_nothing_of_c():
    reasons = snippets.list_table("Reasons for contact", "1 Apr - 31 Dec 2024", APR_DEC, NOTE_1828)
    result, found = audited({2024: {"reasons": snippets.page("2024", reasons)}})
    assert interval(found["Bullying", "Involvements"]) == (0, 3)
    assert len(result.leaks()) == 3


NOTE_200 = (
    "Percentages are of the 200 reasons recorded for the 180 involvements opened in 2023: "
    "an involvement with several counts once for each."
)
REASONS_2023 = [
    ("Legal", "[c]", "[c]"),
    ("Mediation", "8", "4.0%"),
    ("Tribunal", "8", "4.0%"),
    ("EHCP", "100", "50.0%"),
    ("General info", "[c]", "[c]"),
    ("Other", "60", "30.0%"),
]
THEMES_2023 = [
    ["EHC plans", "50.0%"],
    ["General information and other", "[c]"],
    ["Disagreements and appeals", "9.5%"],
]


def themes_page() -> dict[int, dict[str, str]]:
    reasons = snippets.list_table("Reasons for contact", "2023", REASONS_2023, NOTE_200)
    themes = snippets.table(
        "Reasons for contact by theme, Testshire SENDIASS", ["Theme", "2023"], THEMES_2023, snippets.FOOTNOTE
    )
    return {2023: {"reasons": snippets.page("2023", reasons, themes)}}


def test_a_themes_share_gives_back_the_one_hidden_reason_of_its_theme():
    result, found = audited(themes_page())
    assert interval(found["Legal", "Involvements"]) == (3, 3)  # 9.5% of 200 is 19; Mediation and Tribunal 16
    assert interval(found["General info", "Involvements"]) == (21, 21)  # and the base gives the other back
    assert len(result.leaks()) == 3


def test_a_hidden_theme_share_is_given_back_by_the_reasons_it_adds_up():
    _, found = audited(themes_page())
    assert interval(found["General information and other", "2023"]) == (81, 81)


NOTE_340 = (
    "Percentages are of the 340 SEN types recorded for the 340 involvements opened in 2023: "
    "an involvement with several counts once for each."
)
OTHER_GROUP = [
    "Blind or VI",
    "Cerebral Palsy",
    "Down Syndrome",
    "Dyscalculia",
    "Chromosome Deletion",
    "Eating Disorder",
    "Cystic Fibrosis",
    "Foetal Alcohol Syndrome",
]
OTHER_WHAT = 'SEN type 2023: "Other" against the sum of its printed breakdown'


def test_the_printed_reports_other_group_on_the_data_quality_page_gives_back_a_hidden_sen_type():
    rows = [(label, "[c]", "[c]") for label in sorted([*OTHER_GROUP, "Dyspraxia"])]
    rows += [("ASD", "200", "58.8%"), ("SEMH", "118", "34.7%")]
    note = NOTE_340
    sen = snippets.list_table("SEN type", "2023", rows, note)
    printed = snippets.table(
        "Printed figures and what the data gives",
        ["What", "Printed", "From the data", "Note"],
        [[OTHER_WHAT, "5.3% (breakdown sums to 5.4%)", "5.3%", "One-decimal rounding of each part."]],
    )
    pages = {2023: {"sen_types": snippets.page("2023", sen), "data_quality": snippets.page("2023", printed)}}
    group = {
        "year": 2023,
        "what": OTHER_WHAT,
        "field": "sen_types",
        "start": dt.date(2023, 1, 1),
        "labels": OTHER_GROUP,
    }
    _, found = audited(pages, groups=[group])
    assert interval(found["Dyspraxia", "Involvements"]) == (4, 4)  # 340 - 318 shown - 18 in the group
    _, without = audited({2023: {"sen_types": pages[2023]["sen_types"]}})
    assert interval(without["Dyspraxia", "Involvements"]) == (0, 22)


def blank_fields(field: str, blank: str, share: str) -> str:
    return snippets.table(
        "Blank fields, involvements opened in the year",
        ["Field", "Blank", "Share blank", "Status"],
        [[field, blank, share, ""]],
        snippets.FOOTNOTE,
    )


def test_337_of_340_with_one_recorded_gives_back_fewer_than_5_had_none_as_3_and_the_blank_count_with_it():
    note = (
        "Percentages are of the 337 of the 340 involvements opened in 2023 with one recorded. "
        "Fewer than 5 had none recorded."
    )
    heard = snippets.list_table(
        "Where people heard about the service",
        "2023",
        [("Internet", "200", "59.3%"), ("Other", "137", "40.7%")],
        note,
    )
    quality = blank_fields("Where people heard about the service", "[c]", "[c]")
    result, found = audited(
        {2023: {"contact": snippets.page("2023", heard), "data_quality": snippets.page("2023", quality)}}
    )
    assert interval(found["(note)", "Fewer than 5 had none recorded"]) == (3, 3)
    assert interval(found["Where people heard about the service", "Blank"]) == (3, 3)
    assert {f.target.what for f in result.leaks()} == {"sentence", "count"}


def test_a_blank_count_printed_on_the_data_quality_page_gives_back_the_fewer_than_5_under_a_list():
    note = (
        "Percentages are of the 120 reasons recorded for the 100 involvements opened in 2023: an involvement "
        "with several counts once for each. Fewer than 5 had none recorded."
    )
    reasons = snippets.list_table(
        "Reasons for contact", "2023", [("EHCP", "70", "58.3%"), ("Other", "50", "41.7%")], note
    )
    quality = blank_fields("Reasons for contact", "2", "2.0%")
    result, found = audited(
        {2023: {"reasons": snippets.page("2023", reasons), "data_quality": snippets.page("2023", quality)}}
    )
    assert interval(found["(note)", "Fewer than 5 had none recorded"]) == (2, 2)
    assert len(result.leaks()) == 1


RATINGS_HEADER = ["Question", "Answered", "1 (poor)", "2", "3", "4 (excellent)", "95% interval"]
RATINGS_NOTE = (
    "Each percentage is of the people who answered that question. "
    "95% interval: the Wilson 95% interval of the share rated 4 (excellent)."
)


def ratings_page(*rows: list[str]) -> dict[int, dict[str, str]]:
    caption = "National questions: percentage of answers at each rating, 2024, Testshire SENDIASS"
    return {
        2024: {
            "evaluations": snippets.page(
                "2024", snippets.table(caption, RATINGS_HEADER, list(rows), RATINGS_NOTE)
            )
        }
    }


def test_a_rating_percentage_of_29_answers_gives_back_a_rating_by_one_person():
    result, found = audited(
        ratings_page(["Q1 Getting in contact", "29", "3%", "7%", "38%", "52%", "34% to 69%"]), RATING_BUILDERS
    )
    assert [interval(found["Q1 Getting in contact", r]) for r in RATINGS_HEADER[2:6]] == [
        (1, 1),
        (2, 2),
        (11, 11),
        (15, 15),
    ]
    assert [f.target.where.column for f in result.leaks()] == ["1 (poor)", "2"]  # 11 and 15 are not small


def test_a_question_answered_by_fewer_than_10_gives_no_rating_back():
    hidden = ["Q7 Knowledge", "7", *["[c]"] * 5]
    result, found = audited(ratings_page(hidden), RATING_BUILDERS)
    assert interval(found["Q7 Knowledge", "1 (poor)"]) == (0, 7)
    assert not result.leaks()


def test_the_wilson_interval_alone_narrows_the_count_rated_top():
    row = ["Q1 Getting in contact", "29", "[c]", "[c]", "[c]", "[c]", "34% to 69%"]
    _, found = audited(ratings_page(row), RATING_BUILDERS)
    assert interval(found["Q1 Getting in contact", "4 (excellent)"]) == (15, 15)


def test_a_printed_change_on_last_year_gives_back_a_hidden_month():
    months = snippets.table(
        "New involvements per month, Testshire SENDIASS",
        ["Month", "2022", "2023", "Change 2022 to 2023"],
        [["January", "[c]", "30", "+900%"], ["February", "[c]", "40", "[c]"], ["Total", "7", "70", "+900%"]],
        snippets.FOOTNOTE,
    )
    result, found = audited({2023: {"involvements": snippets.page("2023", months)}})
    assert interval(found["January", "2022"]) == (3, 3)
    assert interval(found["February", "2022"]) == (4, 4)
    assert len(result.leaks()) == 2


def test_a_primary_needs_share_gives_back_its_one_hidden_sen_type():
    rows = [
        ("ASD", "318", "93.5%"),
        ("Dyscalculia", "10", "2.9%"),
        ("Dyslexia", "[c]", "[c]"),
        ("Epilepsy", "[c]", "[c]"),
    ]
    note = NOTE_340
    sen = snippets.list_table("SEN type", "2023", rows, note)
    needs = snippets.table(
        "SEN types by DfE primary need, 2023, Testshire SENDIASS and England (state-funded schools)",
        ["Primary need", "Service %", "England %", "Difference (points)", "SEN types"],
        [["Specific learning difficulty (SPLD)", "4.1%", "11.4%", "-7.3", "Dyscalculia, Dyslexia"]],
        "Service percentages are of the 340 SEN types recorded for the involvements opened in 2023.",
    )
    _, found = audited({2023: {"sen_types": snippets.page("2023", sen, needs)}})
    assert interval(found["Dyslexia", "Involvements"]) == (4, 4)
    assert interval(found["Epilepsy", "Involvements"]) == (8, 8)


def test_a_hidden_figure_no_relation_bounds_is_unbounded_and_protected():
    figures = snippets.table(
        "Tribunals and mediation, 2023, Testshire SENDIASS",
        ["Label", "2023"],
        [["Tribunal advice", "114"], ["Tribunals required", "[c]"]],
        snippets.FOOTNOTE,
    )
    result, found = audited({2023: {"service": snippets.page("2023", figures)}})
    assert found["Tribunals required", "2023"].lo == 0 and math.isinf(found["Tribunals required", "2023"].hi)
    assert not result.leaks()


def test_a_year_of_fewer_than_5_new_involvements_is_a_sentence_the_monthly_table_can_pin():
    months = snippets.table(
        "New involvements per month, Testshire SENDIASS",
        ["Month", "2023"],
        [["January", "[c]"], ["February", "0"], ["Total", "[c]"]],
        snippets.FOOTNOTE,
    )
    said = "Testshire SENDIASS recorded fewer than 5 new involvements in 2023."
    _, found = audited({2023: {"involvements": snippets.page("2023", said, months)}})
    assert interval(found["(sentence)", "recorded fewer than 5 new involvements in 2023"]) == (1, 4)


def test_pages_that_print_one_figure_two_ways_are_named_rather_than_audited():
    months = snippets.table(
        "New involvements per month, Testshire SENDIASS",
        ["Month", "2023"],
        [["January", "[c]"], ["February", "86"], ["Total", "90"]],
        snippets.FOOTNOTE,
    )
    key = snippets.table(
        "Key figures, Testshire SENDIASS", ["Measure", "2023"], [["New involvements", "100"]]
    )
    pages = {2023: {"involvements": snippets.page("2023", months), "headline": snippets.page("2023", key)}}
    with pytest.raises(Inconsistent, match="opened"):
        audited(pages)
