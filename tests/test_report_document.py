"""The report document (report.html): one page per service-year holding the narrative and every
appendix, made from the appendix pages as written, and made again only when one of them or the
narrative changed."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from sendiass_lib import availability, config, db, publish
from sendiass_lib.publish import fragments, glossary
from tests.test_publish import Page


def test_report_has_a_cover_contents_narrative_each_appendix_definitions_glossary_and_provenance_once(
    worcs_2024, sample_db
):
    html = (worcs_2024 / "report.html").read_text()
    page = Page(html)
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert html.index("Synthetic sample data") < html.index("<h1>") < html.index('<nav class="contents"')
    h2 = re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', html)
    with db.connect(sample_db) as con:
        appendices = availability.pages(con, "worcs", 2024)
    titles = [unescape(title) for key, title in h2 if key in {a.name for a in appendices}]
    assert titles == [a.title for a in appendices]  # every appendix, in order, as a section
    narrative = [title for key, title in h2 if key.startswith("narrative-")]
    assert narrative[0] == "Actions and outcomes" and "Future developments" in narrative
    words = " ".join(html.split())
    assert "2,486 new involvements in 2024, a rise of 24% on 2023" in words  # its figures filled in
    order = [html.index(f'<h2 id="{key}">') for key in ("narrative-actions-and-outcomes", "headline")]
    order += [html.index(f'<h2 id="{key}">') for key in ("definitions", "glossary")]
    assert order == sorted(order) and order[-1] < html.index("<h2>About this report</h2>")
    assert html.count("About this report</h2>") == 1 and html.count("<caption>Extracts loaded for") == 1
    assert (
        not page.all("script")
        and not page.all("link")
        and "http"
        not in html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        )
    )


def test_report_shows_every_table_and_chart_of_the_pages_as_the_pages_show_them(worcs_2024):
    report = (worcs_2024 / "report.html").read_text()
    for page in sorted(worcs_2024.glob("*.html")):
        if page.name in ("index.html", "report.html"):
            continue
        content = fragments.main_content(page.read_text())
        tables = re.findall(r"<table.*?</table>", content, re.S)
        charts = re.findall(r"<title id=\"[^\"]+\">(.*?)</title>", content)
        assert tables or charts, page.name
        for table in tables:  # the same markup: the report cannot say anything else
            assert table in report, (page.name, table[:120])
        for title in charts:
            assert f">{title}</title>" in report, (page.name, title)


def test_report_ids_are_unique_and_every_link_inside_it_has_a_target(worcs_2024):
    html = (worcs_2024 / "report.html").read_text()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) > 100
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target
    for listed in re.findall(r'aria-(?:labelledby|describedby)="([^"]+)"', html):
        assert all(one in ids for one in listed.split()), listed


def test_definitions_leave_their_sections_for_the_definitions_at_the_back(worcs_2024):
    html = (worcs_2024 / "report.html").read_text()
    back = html.index('<h2 id="definitions">')
    for caption in ("Reasons for contact: definitions", "Intervention levels: definitions"):
        assert html.count(f"<caption>{caption}</caption>") == 1 and html.index(caption) > back
    assert "<caption>Intervention levels: definitions</caption>" in (worcs_2024 / "contact.html").read_text()


def test_glossary_lists_the_acronyms_the_report_uses_and_no_other(worcs_2024, tmp_path):
    html = (worcs_2024 / "report.html").read_text()
    listed = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))
    assert listed["EHCP"] == "Education, Health and Care Plan" and "SENDIASS" in listed and "SEMH" in listed
    assert "CETR" not in listed  # in the glossary file, not in this report
    text = fragments.text_of(html[: html.index('<h2 id="glossary">')])
    assert all(re.search(rf"\b{re.escape(acronym)}\b", text) for acronym in listed)
    edited = tmp_path / "glossary.yaml"
    edited.write_text("acronyms:\n  LA: Local Authority\n  SEND: Special needs\n", encoding="utf-8")
    assert glossary.used("the LA and SENDIASS", edited) == [("LA", "Local Authority")]
    edited.write_text("acronyms: [LA]\n", encoding="utf-8")
    with pytest.raises(glossary.GlossaryFileError, match="ACRONYM: what it stands for"):
        glossary.used("LA", edited)


def test_headings_go_down_and_ids_get_a_prefix_where_a_page_sits_inside_the_report():
    html = (
        '<h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2>'
        '<svg aria-labelledby="t d"><title id="t">x</title>'
    )
    moved = fragments.prefix_ids(fragments.demote(html, 2), "worcs-reasons-")
    assert moved == (
        '<h4 id="worcs-reasons-A">A<a class="anchor-link" href="#worcs-reasons-A">¶</a></h4>'
        '<svg aria-labelledby="worcs-reasons-t worcs-reasons-d"><title id="worcs-reasons-t">x</title>'
    )
    text = "<p>a comment that says id=&quot;x&quot; and h2</p>"  # words are never changed
    assert fragments.prefix_ids(fragments.demote(text, 1), "p-") == text


class NoKernel:
    def close(self) -> None:
        pass


@pytest.fixture
def quick(monkeypatch, tmp_path):
    """Builds with pages and narratives made up on the spot (no kernel), and a copy of the sample's
    narrative folders to edit."""
    rendered: list[str] = []

    def page(appendix, service, year, db_path, facts, kernel=None):
        return (
            f'<main id="main"><div class="jp-Cell jp-MarkdownCell" id="cell-id=m"><h2 id="S">Section</h2>'
            f'</div><div class="jp-Cell jp-CodeCell" id="cell-id=c"><div class="jp-OutputArea-child">'
            f"<p>{appendix.name} of {service}</p></div></div></main>"
        )

    def narrative(slug, year, db_path, path, kernel):
        rendered.append(slug)
        return f"<h2>Our year</h2><p>{path.read_text(encoding='utf-8')}</p>"

    sample = tmp_path / "sample"
    shutil.copytree(config.SAMPLE_DIR, sample, ignore=shutil.ignore_patterns("*.csv"))
    monkeypatch.setattr(config, "SAMPLE_DIR", sample)
    monkeypatch.setattr(publish.kernels, "Kernel", NoKernel)
    monkeypatch.setattr(publish.appendix, "render_appendix", page)
    monkeypatch.setattr(publish.narrative_job, "render_narrative", narrative)
    return sample, rendered


def build(sample_db: Path, out: Path, service: str = "worcs", year: int = 2024, **kwargs):
    return publish.build_report(
        service, year, db_path=sample_db, out_dir=out, progress=lambda _: None, **kwargs
    )


def test_report_is_made_again_when_its_narrative_changes_and_left_alone_when_nothing_did(
    quick, sample_db, tmp_path
):
    sample, rendered = quick
    out = tmp_path / "out"
    first = build(sample_db, out)
    report = out / "2024" / "worcs" / "report.html"
    assert first.document == report and first.document_made and rendered == ["worcs"]
    assert "<p>reasons of worcs</p>" in report.read_text()
    assert 'href="report.html"' in (out / "2024" / "worcs" / "index.html").read_text()
    again = build(sample_db, out)
    assert not again.built and not again.document_made and rendered == ["worcs"]
    (sample / "worcs" / "narrative" / "2024.md").write_text("A new paragraph.\n", encoding="utf-8")
    edited = build(sample_db, out)
    assert not edited.built and edited.document_made and rendered == ["worcs", "worcs"]
    assert "<p>A new paragraph.\n</p>" in report.read_text()


def test_a_year_with_no_narrative_gets_the_appendices_and_one_line_saying_so(quick, sample_db, tmp_path):
    _, rendered = quick
    result = build(sample_db, tmp_path, year=2023)
    html = (tmp_path / "2023" / "worcs" / "report.html").read_text()
    assert result.document_made and rendered == []
    assert '<h2 id="narrative">Narrative</h2>\n<p>No narrative has been written for 2023.</p>' in html
    assert "<p>reasons of worcs</p>" in html


def test_a_narrative_that_fails_fails_the_report_and_leaves_no_old_one(
    quick, sample_db, tmp_path, monkeypatch
):
    build(sample_db, tmp_path)
    report = tmp_path / "2024" / "worcs" / "report.html"
    assert report.exists()

    def broken(*args):
        raise publish.narrative_job.NarrativeFailed("NarrativeError: 2024.md:3: unknown figure 'x'")

    monkeypatch.setattr(publish.narrative_job, "render_narrative", broken)
    result = build(sample_db, tmp_path, force=True)
    assert result.failures == ["report: NarrativeError: 2024.md:3: unknown figure 'x'"]
    assert not report.exists() and result.document is None
    assert 'href="report.html"' not in (tmp_path / "2024" / "worcs" / "index.html").read_text()


def test_pages_only_builds_no_report_and_drops_one_its_pages_outdate(quick, sample_db, tmp_path):
    build(sample_db, tmp_path)
    report = tmp_path / "2024" / "worcs" / "report.html"
    kept = build(sample_db, tmp_path, document=False)
    assert report.exists() and kept.document == report  # its pages did not change
    rebuilt = build(sample_db, tmp_path, document=False, force=True)
    assert rebuilt.built and not report.exists() and rebuilt.document is None
