"""A service's narrative: Markdown whose figures are placeholders filled in from the data, checked
against the catalogue, withheld as the pages withhold them, and escaped."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sendiass_lib import cli, config, db
from sendiass_lib.ingest.build import build, extract_dir
from sendiass_lib.narrative import catalogue, render, starter
from sendiass_lib.narrative.figure import NotAvailable, Withheld
from sendiass_lib.narrative.sources import Sources
from tests.conftest import write_extract

SAMPLE_NARRATIVES = [("worcs", 2024), ("herefs", 2024), ("bucks", 2021)]


@pytest.fixture(scope="module")
def con(sample_db):
    connection = db.connect(sample_db)
    yield connection
    connection.close()


def narrative(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "2024.md"
    path.write_text(text, encoding="utf-8")
    return path


def rendered(con, tmp_path: Path, text: str, service: str = "worcs", year: int = 2024) -> str:
    return render.render(con, service, year, narrative(tmp_path, text))


@pytest.mark.parametrize(("service", "year"), SAMPLE_NARRATIVES)
def test_the_sample_narrative_renders_and_says_it_is_sample_text(con, service, year):
    path = render.narrative_file(con, service, year)
    assert path == config.SAMPLE_DIR / service / "narrative" / f"{year}.md"
    html = render.render(con, service, year)
    assert "<p><em>Sample text: made up for the synthetic sample data" in html
    assert "<h2>" in html and "{{" not in html and "[c]" not in html and "[x]" not in html


def test_worcestershire_2024_change_on_last_year_reads_24_percent(con, tmp_path):
    html = rendered(
        con,
        tmp_path,
        "{{ involvements.total }} against {{ involvements.previous }}: "
        "{{ involvements.change_on_last_year }}, {{ involvements.change_percent }}, "
        "{{ involvements.change_phrase }} in {{ year.previous }}.",
    )
    assert html == "<p>2,486 against 2,000: a rise of 24%, +24%, 24% more than in 2023.</p>\n"


def test_tribunals_avoided_is_the_documented_estimate(con, tmp_path):
    # docs/methods.md: 10% of 2,486 new involvements is 248.6, at least 248; x GBP 8,500 unrounded.
    html = rendered(
        con,
        tmp_path,
        "{{ tribunals.share }} of {{ involvements.total }}: {{ tribunals.avoided }} tribunals, "
        "{{ tribunals.cost_avoided }} at {{ tribunals.cost_per_tribunal }}",
    )
    assert html == "<p>10% of 2,486: 248 tribunals, £2,113,100 at £8,500</p>\n"


def test_a_misspelt_placeholder_fails_naming_the_file_the_line_and_the_name_meant(con, tmp_path):
    path = narrative(tmp_path, "## Involvement data\n\nWe had {{ involvments.total }} new involvements.\n")
    with pytest.raises(render.NarrativeError) as found:
        render.render(con, "worcs", 2024, path)
    message = str(found.value)
    assert message.startswith(f"{path}:3: unknown figure 'involvments.total'")
    assert "did you mean 'involvements.total'?" in message
    assert "names start with one of: service, year, involvements" in message


def test_every_problem_is_one_error_with_its_line(con, tmp_path):
    path = narrative(
        tmp_path,
        '{{ reasons.top("x") }}\n{{ reasons.tops(3) }}\n{{ involvements.total() }}\n{{ reasons.top }}\n'
        "{{ involvements.total | upper }}\n{% if 1 %}x{% endif %}\n",
    )
    with pytest.raises(render.NarrativeError) as found:
        render.render(con, "worcs", 2024, path)
    lines = str(found.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:{n}" for n in range(1, 7)]
    assert "n must be a whole number, e.g. 3, not 'x'" in lines[0]
    assert "names under reasons: reasons.top(n), reasons.most_common" in lines[1]
    assert "takes no arguments" in lines[2] and "needs arguments: write reasons.top(n)" in lines[3]
    assert "filters, sums and other expressions are not allowed" in lines[4]
    assert "statements are not allowed" in lines[5]


def test_an_argument_naming_no_label_lists_the_labels(con, tmp_path):
    with pytest.raises(
        render.NarrativeError,
        match=r":1: sen_types.share\(\"ASDX\"\): 'ASDX' is not one of the SEN types of 2024 "
        r"\(did you mean 'ASD'\?\); valid: 'ADHD', 'ASD', ",
    ):
        rendered(con, tmp_path, '{{ sen_types.share("ASDX") }}')


def test_a_figure_the_disclosure_rule_hides_stops_the_render_naming_it(con, tmp_path):
    # Buckinghamshire's one tribunal required in 2021/22 is a count of clients of 1 to 4: [c].
    text = '{{ service_figures.value("Tribunals and mediation", "Tribunals required") }}'
    with pytest.raises(render.NarrativeError) as found:
        rendered(con, tmp_path, f"## Dispute resolution\n\n{text}\n", "bucks", 2021)
    assert str(found.value) == (
        f'{tmp_path / "2024.md"}:3: service_figures.value("Tribunals and mediation", "Tribunals required") '
        "[c]: disclosure control hides it: a count of clients from 1 to 4"
    )


def test_a_ranking_a_hidden_label_would_be_in_is_withheld(con, tmp_path):
    # Herefordshire's 'meeting' contact method is hidden (secondary suppression) and ranks third.
    with pytest.raises(
        render.NarrativeError, match=r"contact_method.top\(3\) \[c\]: .*meeting would be among"
    ):
        rendered(con, tmp_path, "{{ contact_method.top(3) }}", "herefs", 2024)
    assert rendered(con, tmp_path, "{{ contact_method.top(2) }}", "herefs", 2024) == (
        "<p>telephone call in (61%) and email in (35%)</p>\n"
    )


def test_a_figure_the_data_do_not_give_stops_the_render_saying_why(con, tmp_path):
    with pytest.raises(
        render.NarrativeError, match=r"tribunals.avoided \[x\]: bucks.yaml sets no tribunal_estimate"
    ):
        rendered(con, tmp_path, "{{ tribunals.avoided }}", "bucks", 2021)


def test_an_unknown_service_or_year_names_the_valid_ones(con):
    with pytest.raises(
        config.UnknownServiceError, match="unknown service 'nowhere'; valid: bucks, herefs, worcs"
    ):
        render.render(con, "nowhere", 2024)
    with pytest.raises(
        render.NarrativeError, match=r"no data for worcs in 2021; years with data: 2022, 2023, 2024"
    ):
        render.render(con, "worcs", 2021)


def test_a_missing_narrative_says_how_to_start_one(con):
    with pytest.raises(render.NarrativeError, match=r"sendiass narrative --service worcs --year 2023"):
        render.render(con, "worcs", 2023)


def test_an_email_stays_as_written_markup_is_escaped_and_figures_are_escaped_once(con, tmp_path):
    html = rendered(
        con,
        tmp_path,
        "Write to duty@sample-sendiass.example.org <script>alert(1)</script> <b>bold</b>\n\n"
        "<div onclick='x'>block</div>\n\n{{ training_evaluations.scope }}\n",
    )
    assert "duty@sample-sendiass.example.org" in html
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "<div" not in html
    assert "<p>joint: Herefordshire &amp; Worcestershire</p>" in html


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("Intro\n\n# Title\n", 3, "a level-1 heading"),
        ("Intro\n\nSee ![logo](http://example.org/logo.png)\n", 3, "an image (http://example.org/logo.png)"),
    ],
)
def test_a_level_one_heading_or_an_image_is_refused_with_its_line(con, tmp_path, text, line, said):
    with pytest.raises(render.NarrativeError, match=rf"2024.md:{line}: {re.escape(said)}"):
        rendered(con, tmp_path, text)


def test_narratives_beside_extracts_are_not_loaded_and_do_not_replace_the_sample(raw_worcs, tmp_path):
    (raw_worcs / "narrative").mkdir()
    (raw_worcs / "narrative" / "2024.md").write_text("## Team\n\n{{ involvements.total }}\n")
    (raw_worcs / "notes.md").write_text("notes\n")
    assert extract_dir("worcs")[0] == "sample"  # a narrative alone is not the service's data
    write_extract(raw_worcs, "involvements_2024.csv", [["A1", "05/01/2024", "", "", "1"]])
    report = build(tmp_path / "raw.duckdb", source="raw")
    assert not report.failures and not report.skipped
    assert [r.file_name for r in report.results] == ["involvements_2024.csv"]


def test_sendiass_figures_prints_every_name_with_its_value(sample_db):
    command = ["figures", "--service", "worcs", "--year", "2024", "--db", str(sample_db)]
    out = subprocess.run(
        [sys.executable, "-m", "sendiass_lib.cli", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Figures for Worcestershire SENDIASS in 2024 (docs/narrative.md says what each means):"
    assert len(lines) == 1 + len(catalogue.catalogue())
    assert re.search(r"^\{\{ involvements.change_on_last_year \}\} +a rise of 24%$", out.stdout, re.M)
    assert re.search(r"^\{\{ reasons.top\(3\) \}\} +EHCP Implementation \(13%\), ", out.stdout, re.M)
    assert re.search(
        r"^\{\{ record_type.share\(label\) \}\} +\[x\]  this service's extracts have no", out.stdout, re.M
    )


def test_sendiass_narrative_writes_a_starter_that_renders_and_refuses_to_overwrite(
    raw_worcs, sample_db, capsys, monkeypatch
):
    monkeypatch.setenv("SENDIASS_DB", str(sample_db))
    assert cli.main(["narrative", "--service", "worcs", "--year", "2024"]) == 0
    written = raw_worcs / "narrative" / "2024.md"
    assert f"wrote {written}" in capsys.readouterr().out
    text = written.read_text(encoding="utf-8")
    assert "## Actions and outcomes" in text and "{{ reasons.top(3) }}" in text
    with db.connect(sample_db) as con:
        html = render.render(con, "worcs", 2024, written)
    assert "<h2>Future developments</h2>" in html and "{{" not in html
    written.write_text("edited\n", encoding="utf-8")
    assert cli.main(["narrative", "--service", "worcs", "--year", "2024"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert written.read_text(encoding="utf-8") == "edited\n"


@pytest.mark.parametrize(("service", "year"), SAMPLE_NARRATIVES)
def test_a_starter_leaves_out_the_sentences_the_data_cannot_fill_and_says_why(con, tmp_path, service, year):
    text = starter.text(con, service, year)
    assert render.render(con, service, year, narrative(tmp_path, text))
    if service == "bucks":  # no reasons column, no tribunal estimate
        assert "{{ reasons." not in text and "reasons-for-contact column" in text
        assert "{# Tribunal avoidance: left out, no figures: tribunals.share: bucks.yaml sets no" in text


def test_docs_list_every_figure_name_as_the_catalogue_does():
    page = (config.PROJECT_ROOT / "docs" / "narrative.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- figure names:[^\n]*-->\n(.*?)\n<!-- end of figure names -->", page, re.S)
    assert found, "docs/narrative.md has no table of figure names between its markers"
    assert found.group(1) == catalogue.reference_table(), (
        "docs/narrative.md's table of figure names differs from the catalogue; paste the output of\n"
        "python -c 'from sendiass_lib.narrative.catalogue import reference_table; print(reference_table())'"
    )


def test_every_name_reads_a_function_that_exists_and_has_a_value_or_a_reason(con):
    sources = Sources(con, "worcs", 2024)
    for name, figure in catalogue.catalogue().items():
        module, _, function = figure.reads.split(":")[0].split(",")[0].split(" ")[0].rpartition(".")
        assert hasattr(importlib.import_module(f"sendiass_lib.{module}"), function), name
        assert figure.meaning and figure.formatted, name
        try:
            assert catalogue.value(sources, name, catalogue.example(sources, figure))
        except (Withheld, NotAvailable) as exc:  # never BadArgument: the example is of the data
            assert str(exc), name
