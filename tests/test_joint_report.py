"""Groups of services that report together (groups.py, services/groups/*.yaml) and their joint
report: each member's figures one after the other, what they share once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendiass_lib import config, db, groups, publish
from sendiass_lib.ingest.build import build
from sendiass_lib.narrative import render
from sendiass_lib.publish import fragments
from tests.test_publish import Page


def write_group(folder: Path, text: str, name: str = "hw") -> Path:
    (folder / "groups").mkdir(exist_ok=True)
    path = folder / "groups" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_group_is_declared_in_a_file_with_its_name_and_members():
    assert groups.group("hw") == groups.Group(
        "hw", "Herefordshire & Worcestershire SENDIASS", ("herefs", "worcs")
    )
    assert groups.members("hw") == ("herefs", "worcs") and groups.members("worcs") == ("worcs",)
    assert groups.group("worcs") is None and "hw" not in config.services()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: X\nmembers: [herefs, worcz]\n",
            "members: unknown service 'worcz'; valid services: bucks, herefs, worcs",
        ),
        (
            "name: X\nmembers: [herefs, bucks]\n",
            "must share a reporting year; they have herefs calendar, bucks 02-24",
        ),
        ("name: X\nmembers: [herefs]\n", "members: two or more services"),
        (
            "name: X\nmembers: [herefs, worcs]\ncolour: red\n",
            "colour: unknown key; valid keys: name, members, slug",
        ),
        ("members: [herefs, worcs]\n", "name: required"),
    ],
)
def test_a_group_file_that_cannot_be_used_stops_with_one_line_naming_it(services, text, message):
    write_group(services, text, "joint")
    with pytest.raises(groups.GroupFileError, match=re.escape(message)) as found:
        groups.groups()
    assert "groups/joint.yaml: " in str(found.value) and "\n" not in str(found.value)


def test_a_group_cannot_take_a_services_name(services):
    write_group(services, "name: X\nmembers: [herefs, worcs]\n", "worcs")
    with pytest.raises(groups.GroupFileError, match="'worcs' is a service's slug"):
        groups.groups()


def test_an_unknown_slug_is_refused_naming_the_services_and_the_groups():
    with pytest.raises(
        config.UnknownServiceError, match=r"valid: bucks, herefs, worcs; groups \(a joint report\): hw"
    ):
        groups.check_slug("nowhere")


def test_loading_the_sample_takes_no_group_folder_for_a_services_extracts(sample_db, tmp_path):
    assert (config.SAMPLE_DIR / "hw" / "narrative" / "2024.md").is_file()
    report = build(tmp_path / "again.duckdb", source="sample")
    assert "hw" not in report.sources and not report.skipped and not report.failures
    with db.connect(sample_db) as con:
        loaded = {s for (s,) in con.execute("SELECT DISTINCT service FROM loads").fetchall()}
    assert loaded == set(config.services())


def test_a_joint_narrative_names_each_figures_member_and_reads_its_data(sample_db, tmp_path):
    with db.connect(sample_db) as con:
        html = render.render(con, "hw", 2024)
        assert render.narrative_file(con, "hw", 2024) == config.SAMPLE_DIR / "hw" / "narrative" / "2024.md"
        words = " ".join(html.split())
        assert "Worcestershire recorded 2,486 new involvements, a rise of 24% on 2023" in words
        assert "Herefordshire recorded 423" in words
        text = tmp_path / "2024.md"
        text.write_text("We recorded {{ involvements.total }} in {{ year.label }}.\n", encoding="utf-8")
        with pytest.raises(
            render.NarrativeError,
            match=r"2024.md:1: involvements.total: .* first: herefs\.involvements\.total \(services: herefs",
        ):
            render.render(con, "hw", 2024, text)
        text.write_text("{{ year.label }}: {{ herefs.involvements.total }}\n", encoding="utf-8")
        assert render.render(con, "hw", 2024, text) == "<p>2024: 423</p>\n"


@pytest.fixture(scope="session")
def hw_2024(worcs_2024, sample_db) -> Path:
    """The joint report of 2024, built beside worcs 2024's pages (so only Herefordshire's are built)."""
    out = worcs_2024.parent.parent
    result = publish.build_report("hw", 2024, db_path=sample_db, out_dir=out, progress=lambda _: None)
    assert not result.failures and result.document == out / "2024" / "hw" / "report.html"
    return out / "2024"


def test_joint_report_shows_each_members_figures_one_after_the_other(hw_2024):
    html = (hw_2024 / "hw" / "report.html").read_text()
    page = Page(html)
    assert page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    for section in ("headline", "involvements", "reasons", "training", "data_quality"):
        start = html.index(f'<h2 id="{section}">')
        herefs = html.index(f'<h3 id="herefs-{section}" class="member">Herefordshire SENDIASS</h3>', start)
        worcs = html.index(f'<h3 id="worcs-{section}" class="member">Worcestershire SENDIASS</h3>', start)
        assert start < herefs < worcs
    for caption in (
        "New involvements per month, Herefordshire SENDIASS",
        "New involvements per month, Worcestershire SENDIASS",
    ):
        assert html.count(f"<caption>{caption}") == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert all(target in ids for target in re.findall(r'href="#([^"]+)"', html))
    words = " ".join(html.split())
    assert "Worcestershire recorded 2,486 new involvements" in words  # the group's own narrative
    assert html.count("<caption>Extracts loaded for") == 2  # the provenance of each member, once


def test_joint_report_shows_what_the_members_share_once(hw_2024):
    html = (hw_2024 / "hw" / "report.html").read_text()
    joint = "joint: Herefordshire &amp; Worcestershire"
    for caption in (
        f"Website visitors per month, 2024, {joint}",
        f"Q1: How much the session added to what attendees know, 2024, {joint}",
    ):
        assert html.count(f"<caption>{caption}</caption>") == 1, caption
        for member in ("herefs", "worcs"):  # each member's page has it
            assert f"<caption>{caption}</caption>" in (hw_2024 / member / html_page(caption)).read_text()
    training = html[html.index('<h2 id="training">') : html.index('<h2 id="digital">')]
    shared = training.index(
        '<h3 id="hw-training" class="member">Herefordshire &amp; Worcestershire SENDIASS: joint figures'
    )
    assert (
        training.index(
            "Training sessions, places booked and attendance by audience and format, 2024, Worcestershire"
        )
        < shared
    )
    assert shared < training.index("Q1: How much the session")
    digital = html[html.index('<h2 id="digital">') : html.index('<h2 id="service">')]
    assert 'class="member"' not in digital  # the same on both pages: shown once, under no member
    assert html.count("<caption>Reasons for contact: definitions</caption>") == 1


def html_page(caption: str) -> str:
    return "digital.html" if caption.startswith("Website") else "training.html"


def test_joint_report_shows_every_table_of_the_members_pages_as_they_show_it(hw_2024):
    report = (hw_2024 / "hw" / "report.html").read_text()
    for member in ("herefs", "worcs"):
        for page in sorted((hw_2024 / member).glob("*.html")):
            if page.name in ("index.html", "report.html"):
                continue
            for table in re.findall(r"<table.*?</table>", fragments.main_content(page.read_text()), re.S):
                assert table in report, (member, page.name, table[:100])


def test_joint_report_is_listed_on_its_index_with_each_members_pages(hw_2024):
    index = (hw_2024 / "hw" / "index.html").read_text()
    assert 'href="report.html"' in index
    assert 'href="../herefs/index.html"' in index and 'href="../worcs/index.html"' in index
