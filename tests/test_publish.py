"""Published pages: built by papermill + nbconvert, offline, accessible in structure, honest about data.

These run the real notebook in the project kernel, so they take a few seconds each.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sendiass_lib import db, publish
from sendiass_lib.ingest.load import load_file
from tests import published
from tests.conftest import any_of, sample_personal_values, write_extract


class Page(HTMLParser):
    """What the structural checks need from a page."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        self._in_title = False if tag == "title" else self._in_title

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for t, attrs in self.tags if t == tag]


def test_appendix_is_built_with_an_index_page(worcs_2024):
    assert (worcs_2024 / "involvements.html").is_file()
    index = Page((worcs_2024 / "index.html").read_text())
    assert {"href": "involvements.html"} in index.all("a")


def test_appendix_shows_the_published_figures(worcs_2024):
    html = (worcs_2024 / "involvements.html").read_text()
    counts = published.table("worcs_involvements_monthly")["counts"]
    before, now = sum(counts[2023]), sum(counts[2024])
    assert (
        f"recorded {now:,} new involvements in 2024, {round(100 * (now / before - 1))}% more than in 2023"
        in html
    )
    for cells in (
        ["January", *(str(counts[year][0]) for year in (2022, 2023, 2024))],
        ["November", *(str(counts[year][10]) for year in (2022, 2023, 2024))],
        ["Total", *(f"{sum(counts[year]):,}" for year in (2022, 2023, 2024))],
    ):
        pattern = r"\s*".join(rf"<t[hd][^>]*>{re.escape(c)}</t[hd]>" for c in cells)
        assert re.search(pattern, html), cells


def test_page_says_synthetic_sample_data_at_the_top(worcs_2024):
    html = (worcs_2024 / "involvements.html").read_text()
    assert "Synthetic sample data" in html
    assert html.index("Synthetic sample data") < html.index("<h1>")


def pages(folder: Path) -> list[str]:
    """Every page of a built report: the index, each appendix and the report document."""
    found = sorted(p.name for p in folder.glob("*.html"))
    assert len(found) == 12 and "report.html" in found, found  # worcs 2024 has all ten appendices
    return found


def test_page_loads_nothing_from_the_network_and_runs_no_script(worcs_2024):
    for name in pages(worcs_2024):
        html = (worcs_2024 / name).read_text()
        page = Page(html)
        assert not page.all("script"), name
        assert not page.all("link"), name
        for _, attrs in page.tags:
            for attr in ("src", "href", "xlink:href", "action"):
                assert not re.match(r"(https?:)?//", attrs.get(attr) or ""), (name, attrs)
        assert "@import" not in html and "url(http" not in html


def test_page_structure_is_accessible(worcs_2024):
    for name in pages(worcs_2024):
        html = (worcs_2024 / name).read_text()
        page = Page(html)
        assert page.all("html")[0]["lang"] == "en-GB", name
        assert "Worcestershire SENDIASS, 2024" in page.title, name
        assert page.headings.count(1) == 1 and page.headings[0] == 1, name
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), name
        assert page.all("main") and {"class": "skip-link", "href": "#main"} in page.all("a"), name
        for table in re.findall(r"<table.*?</table>", html, re.S):
            assert "<caption>" in table and 'scope="col"' in table, name
        for svg in page.all("svg")[:1] if name != "index.html" else []:
            assert svg["role"] == "img" and svg["aria-labelledby"] and svg["aria-describedby"], name


def test_every_chart_on_every_page_has_a_name_and_a_description(worcs_2024):
    for name in pages(worcs_2024):
        html = (worcs_2024 / name).read_text()
        for figure in re.findall(r'<figure class="chart".*?</figure>', html, re.S):
            outer = re.search(r"<svg [^>]*>", figure).group(0)
            assert 'role="img"' in outer, name
            label = re.search(r'aria-labelledby="([^"]+)"', outer).group(1)
            desc = re.search(r'aria-describedby="([^"]+)"', outer).group(1)
            assert re.search(rf'<title id="{label}">[^<]+</title>', figure), name
            assert re.search(rf'<desc id="{desc}">[^<]{{20,}}</desc>', figure), name


def test_a_comment_with_a_script_and_the_writers_own_name_shows_as_text_with_no_name(worcs_2024):
    # The sample has an evaluation form whose comment is "<script>alert(1)</script> <the parent's
    # own name> typed this into the form" (sample/evaluations.py): redacted at load, escaped on the page.
    html = (worcs_2024 / "evaluations.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [name] typed this into the form" in html
    assert not Page(html).all("script") and "Blenkinsop" not in html


def test_chart_is_inline_svg_with_a_name_and_description(worcs_2024):
    html = (worcs_2024 / "involvements.html").read_text()
    page = Page(html)
    assert not page.all("img")
    svg = page.all("svg")[0]
    assert svg["role"] == "img"
    assert f'<title id="{svg["aria-labelledby"]}">New involvements rose 24% in 2024</title>' in html
    desc = re.search(rf'<desc id="{svg["aria-describedby"]}">(.*?)</desc>', html).group(1)
    assert "busiest month was November (279)" in desc
    assert "No description has been provided" not in html


def test_no_fake_personal_value_from_the_sample_is_on_any_page(worcs_2024):
    personal = re.compile(any_of(sample_personal_values()))
    pages = list(worcs_2024.glob("*.html"))
    assert len(pages) > 1
    for page in pages:
        assert personal.search(page.read_text()) is None, page.name


def test_no_code_or_prompts_are_published(worcs_2024):
    html = (worcs_2024 / "involvements.html").read_text()
    assert "involvements.monthly(" not in html and "import " not in html
    assert "In&nbsp;[" not in html and "jp-InputPrompt" not in html


def test_second_build_with_nothing_changed_does_no_work(worcs_2024, sample_db):
    out = worcs_2024.parent.parent
    before = (worcs_2024 / "involvements.html").stat().st_mtime_ns
    document = (worcs_2024 / "report.html").stat().st_mtime_ns
    result = publish.build_report("worcs", 2024, db_path=sample_db, out_dir=out, progress=lambda _: None)
    pages = sorted(p for p in worcs_2024.glob("*.html") if p.name not in ("index.html", "report.html"))
    assert result.built == [] and sorted(result.up_to_date) == pages and len(pages) > 1
    assert result.document == worcs_2024 / "report.html" and not result.document_made
    assert (worcs_2024 / "involvements.html").stat().st_mtime_ns == before
    assert (worcs_2024 / "report.html").stat().st_mtime_ns == document


def test_year_without_data_names_the_years_with_data(sample_db, tmp_path):
    with pytest.raises(
        publish.NoDataError, match=r"no data for worcs in 2021; years with data: 2022, 2023, 2024"
    ):
        publish.build_report("worcs", 2021, db_path=sample_db, out_dir=tmp_path)


def test_page_built_from_real_extracts_has_no_sample_banner_and_escapes_text(tmp_path):
    db_path = tmp_path / "real.duckdb"
    rows = [[f"R{i}", f"{day:02d}/01/2024", "", "", ""] for i, day in enumerate(range(2, 20))]
    path = write_extract(tmp_path, "involvements <img src=x onerror=alert(1)>.csv", rows)
    with db.connect(db_path, read_only=False) as con:
        load_file(con, path, "herefs", "involvements")
    result = publish.build_report(
        "herefs", 2024, db_path=db_path, out_dir=tmp_path / "out", progress=lambda _: None
    )
    assert not result.failures
    html = (tmp_path / "out" / "2024" / "herefs" / "involvements.html").read_text()
    assert "Synthetic sample data" not in html
    assert "<img" not in html
    assert "involvements &lt;img src=x onerror=alert(1)&gt;.csv" in html
    assert "recorded 18 new involvements in 2024 up to 31 Jan 2024." in html


def test_failing_notebook_is_reported_and_leaves_no_stale_page(sample_db, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = publish.build_report("herefs", 2023, db_path=sample_db, out_dir=out, progress=lambda _: None)
    page = out / "2023" / "herefs" / "involvements.html"
    assert page.exists() and page in first.built

    def broken(*args, **kwargs):
        raise RuntimeError("cell 3 failed\nKeyError: 'x'")

    monkeypatch.setattr(publish.appendix, "render_appendix", broken)
    result = publish.build_report(
        "herefs", 2023, db_path=sample_db, out_dir=out, force=True, progress=lambda _: None
    )
    names = [p.stem for p in first.built]  # every page, in page order, each reported
    made = f"report: not made, since {', '.join(names)} failed"  # and the document made from them
    assert result.failures == [*(f"{name}: RuntimeError: KeyError: 'x'" for name in names), made]
    assert not page.exists() and not (out / "2023" / "herefs" / "report.html").exists()
    assert "involvements.html" not in (out / "2023" / "herefs" / "index.html").read_text()


def test_appendix_with_nothing_to_show_is_not_built(sample_db, tmp_path):
    # Buckinghamshire's extracts have no reasons, SEN type, contact, training or digital data.
    result = publish.build_report("bucks", 2021, db_path=sample_db, out_dir=tmp_path, progress=lambda _: None)
    built = {p.stem for p in result.built}
    assert {"headline", "involvements", "data_quality"} <= built
    assert not built & {"reasons", "sen_types", "contact", "training", "digital"}
    pages = {p.stem for p in (tmp_path / "2021" / "bucks").glob("*.html")}
    assert pages == built | {"index", "report"}


def test_report_with_a_relative_database_path_builds_every_page(sample_db, tmp_path, monkeypatch):
    # The pages render on two kernels at once in the notebooks folder; a relative path must still
    # mean the file relative to where the command ran (the way `make report` passes it).
    shutil.copy(sample_db, tmp_path / "relative.duckdb")
    monkeypatch.chdir(tmp_path)
    result = publish.build_report(
        "herefs", 2024, db_path=Path("relative.duckdb"), out_dir=tmp_path / "out", progress=lambda _: None
    )
    assert result.failures == [] and len(result.built) > 2


def test_reports_builds_every_service_and_year_collects_all_failures_and_indexes_them(
    sample_db, tmp_path, monkeypatch
):
    class NoKernel:
        def close(self) -> None:
            pass

    def render(appendix, service, year, db_path, page, kernel=None):
        if (service, year, appendix.name) == ("herefs", 2023, "reasons"):
            raise RuntimeError("cell 2 failed\nValueError: broken on purpose")
        return f'<main id="main"><p>{appendix.name} {service} {year}</p></main>'

    monkeypatch.setattr(publish.kernels, "Kernel", NoKernel)
    monkeypatch.setattr(publish.appendix, "render_appendix", render)
    monkeypatch.setattr(publish.narrative_job, "render_narrative", lambda *args: "<h2>The year</h2>")
    seen: list[str] = []
    result = publish.build_all(db_path=sample_db, out_dir=tmp_path, progress=seen.append)
    assert result.failures == [
        "herefs 2023: reasons: RuntimeError: ValueError: broken on purpose",
        "herefs 2023: report: not made, since reasons failed",
        "hw 2023: report: not made, since reasons failed",  # the joint report is made from it too
    ]
    built = {p.relative_to(tmp_path).parts[:2] for p in tmp_path.glob("*/*/*.html")}
    expected = {("2019", "bucks"), ("2020", "bucks"), ("2021", "bucks")}
    expected |= {(str(y), s) for s in ("herefs", "worcs", "hw") for y in (2022, 2023, 2024)}
    assert built == expected
    assert result.built == len([line for line in seen if ": built " in line]) > 40  # a line per page
    index = (tmp_path / "index.html").read_text()
    assert 'href="2021/bucks/index.html"' in index and "2021/22 (24 Feb 2021 - 23 Feb 2022)" in index
    assert 'href="2024/worcs/reasons.html"' in index and 'href="2023/herefs/reasons.html"' not in index
    assert 'href="2024/worcs/report.html"' in index and 'href="2023/herefs/report.html"' not in index
    assert 'href="2024/hw/report.html"' in index and 'href="2023/hw/report.html"' not in index
