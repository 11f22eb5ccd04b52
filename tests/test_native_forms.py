"""Feedback form downloads (ingest/native/forms.py): Microsoft Forms, Google Forms and SurveyMonkey
files built here from their documented layouts, recognised by content, matched by wording, loaded."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import xlsxwriter

from sendiass_lib import db
from sendiass_lib.ingest import native
from sendiass_lib.ingest.build import build
from sendiass_lib.ingest.load import load_file
from sendiass_lib.ingest.mapping import MappingFileError, mapping
from sendiass_lib.ingest.native import forms
from sendiass_lib.metrics.evaluations import evaluations
from tests.conftest import database_text

Q1 = "How easy was it to get in contact?"
Q2 = "How helpful was the IAS we gave you?"
Q5 = "Overall, how satisfied are you with the service we give?"
FUZZY_Q1 = "How easy was it to get in contact with us?"  # scores 95 against Q1
COMMENTS = "Any other comments?"
PEOPLE = ["Seraphina Zouch", "Lysander Oddingley", "Fenwick Pettigrew"]
EMAILS = ["seraphina.zouch@example.org", "lysander@example.org", "fenwick@example.org"]
IPS = ["81.2.69.160", "81.2.69.161", "81.2.69.162"]


def write_ms_forms(folder: Path, name: str = "responses.xlsx", quiz: bool = False) -> Path:
    """A Microsoft Forms download: real date cells, Name/Email, anonymous replies, `;` answers."""
    header = ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += [Q1, Q2, "How did you hear about us?", COMMENTS]
    if quiz:
        header += ["Total points", f"Points - {Q1}", f"Feedback - {Q1}"]
    answers = [
        ["Very easy", "Excellent;", "Website;Friend;", f"{PEOPLE[0].split()[0]} was brilliant"],
        ["Easy", "Good;", "Website;", "Thank you"],
        ["Difficult", "Poor;", "School;", None],
    ]
    book = xlsxwriter.Workbook(folder / name)
    sheet = book.add_worksheet("Sheet1")
    stamp = book.add_format({"num_format": "m/d/yy h:mm:ss"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(answers, start=1):
        when = datetime.datetime(2024, 3, r * 5, 10, 10, 9)
        sheet.write(r, 0, r)
        sheet.write_datetime(r, 1, when, stamp)
        sheet.write_datetime(r, 2, when + datetime.timedelta(minutes=3), stamp)
        sheet.write(r, 3, EMAILS[r - 1] if r != 2 else "anonymous")
        sheet.write(r, 4, PEOPLE[r - 1] if r != 2 else "anonymous")
        sheet.write(r, 5, "")
        for c, value in enumerate(row, start=6):
            if value is not None:
                sheet.write(r, c, value)
        if quiz:
            sheet.write_row(r, 10, [3, 1, "Well done"])
    book.close()
    return folder / name


def write_google_forms(folder: Path, name: str = "form.csv", resaved: bool = False) -> Path:
    """A Google Forms CSV; `resaved`: as Excel re-saves it (dates rewritten, Windows-1252, sep=)."""
    header = ["Timestamp", "Email address", FUZZY_Q1, Q5, "Comments"]
    stamps = ["2024/06/14 10:10:09 AM GMT+1", "2024/06/20 2:28:27 PM GMT+1", "2024/07/01 9:00:00 AM GMT+1"]
    if resaved:
        stamps = ["14-06-2024", "20/06/2024 14:28", "1-Jul-24"]
    rows = [
        [stamps[0], EMAILS[0], "4", "Very satisfied", "Café staff were lovely"],
        [stamps[1], EMAILS[1], "3 - easy", "Satisfied", ""],
        [stamps[2], EMAILS[2], "N/A", "Dissatisfied", "Could not get through"],
    ]
    lines = [",".join(f'"{c}"' if "," in c else c for c in r) for r in [header, *rows]]
    text = "\r\n".join(lines) + "\r\n"
    path = folder / name
    path.write_bytes(("sep=,\r\n" + text).encode("cp1252") if resaved else text.encode("utf-8"))
    return path


def write_surveymonkey(folder: Path, name: str = "Data_All_240101.csv", answers=None) -> Path:
    """A SurveyMonkey CSV: two header rows, a question blank over its continuation columns."""
    top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    top += ["First Name", "Last Name", "Custom Data 1", "How likely is it that you would recommend us?"]
    top += ["Which did you use?", "", "What difference did we make?", "Tell us more"]
    sub = ["", "", "", "", "", "", "", "", "", "Response", "Phone", "Website", "Response"]
    sub += ["Open-Ended Response"]
    answers = answers or [["9 - very likely", "Phone", "", "10", "Great help from Seraphina"]]
    rows = []
    for i, a in enumerate(answers):
        first, last = PEOPLE[i % 3].split(maxsplit=1)
        meta = [str(11400000000 + i), "4010", "03/14/2021 10:00:00 AM", "03/14/2021 10:05:00 AM"]
        rows.append([*meta, IPS[i % 3], EMAILS[i % 3], first, last, "", *a])
    lines = [",".join(top), ",".join(sub), *(",".join(r) for r in rows)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_mapping(services: Path, service: str, text: str) -> None:
    (services / "mappings").mkdir(exist_ok=True)
    (services / "mappings" / f"{service}.yaml").write_text(text, encoding="utf-8")
    from sendiass_lib.ingest import mapping as mapping_module

    mapping_module.clear_cache()


def values(path: Path, service: str) -> dict[str, list]:
    raw = forms.SOURCE.convert(path, service)
    return {h: raw.rows[f"c{i}"].to_list() for i, h in enumerate(raw.headers)}


# --- recognised by content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "name", "tool"),
    [
        (write_ms_forms, "anything.xlsx", "Microsoft Forms"),
        (write_google_forms, "export (3).csv", "Google Forms"),
        (write_surveymonkey, "notes.csv", "SurveyMonkey"),
    ],
)
def test_each_tool_is_recognised_by_content_whatever_the_file_name(tmp_path, write, name, tool):
    path = write(tmp_path, name)
    found = native.recognise(path)
    assert found is not None
    source, recognised = found
    assert source is forms.SOURCE
    assert recognised.source == f"{tool} responses"
    assert recognised.kind == "evaluations"
    assert recognised.period is not None


def test_an_extract_of_our_own_is_not_taken_for_a_form(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Response ID,Date Returned,Q1\nEV-1,01/02/2024,4\n", encoding="utf-8")
    assert native.recognise(path) is None


def test_microsoft_forms_quiz_columns_personal_columns_and_period(tmp_path):
    path = write_ms_forms(tmp_path, quiz=True)
    _, recognised = native.recognise(path)
    assert recognised.period == (datetime.date(2024, 3, 5), datetime.date(2024, 3, 15))
    assert any(u.startswith("Total points") for u in recognised.unused)
    assert any(u.startswith("Email") for u in recognised.unused)
    got = values(path, "worcs")
    assert list(got) == ["response_id", "returned_on", "comments", "Q1", "Q2", "Name"]
    assert got["Q1"] == ["4", "3", "2"]
    assert got["Q2"] == ["4", "3", "1"]  # "Excellent;" is one choice
    assert got["Name"] == [PEOPLE[0], None, PEOPLE[2]]  # "anonymous" is nobody
    assert got["returned_on"] == ["2024-03-05", "2024-03-10", "2024-03-15"]
    assert all(re.fullmatch(r"MSF-[0-9a-f]{6}-\d", i) for i in got["response_id"])
    raw = forms.SOURCE.convert(path, "worcs")
    assert raw.rows["__row"].to_list() == [2, 3, 4]  # worksheet rows


# --- SurveyMonkey: two header rows ----------------------------------------------------------------


def test_surveymonkey_two_header_rows(tmp_path, services):
    path = write_surveymonkey(tmp_path)
    got = values(path, "bucks")
    assert got["response_id"] == ["SM-11400000000"]
    assert got["returned_on"] == ["2021-03-14"]
    assert got["Name"] == ["Seraphina Zouch"]
    raw = forms.SOURCE.convert(path, "bucks")
    assert raw.rows["__row"].to_list() == [1]  # the first data row under both header rows
    _, recognised = native.recognise(path)
    assert recognised.period == (datetime.date(2021, 3, 14), datetime.date(2021, 3, 14))
    headers = [m.header for m in forms.match_questions(["Phone", "Website"], "bucks")]
    assert headers == ["Phone", "Website"]  # row 2's option labels head the continuation columns
    assert all(m.target is None for m in forms.match_questions(headers, "bucks"))  # not questions


# --- Google Forms re-saved by Excel ---------------------------------------------------------------


def test_google_forms_resaved_by_excel_dates_and_windows_1252(tmp_path):
    path = write_google_forms(tmp_path, resaved=True)
    source, recognised = native.recognise(path)
    assert recognised.source == "Google Forms responses"
    raw = source.convert(path, "worcs")
    assert raw.encoding == "cp1252"
    got = values(path, "worcs")
    assert got["returned_on"] == ["2024-06-14", "2024-06-20", "2024-07-01"]
    assert got["comments"][0] == "Café staff were lovely"
    assert got["Q1"] == ["4", "3", None]  # "3 - easy" is 3; N/A is not answered
    assert got["Q5"] == ["4", "3", "2"]
    assert "Email" not in " ".join(raw.headers)


def test_google_forms_locale_dates(tmp_path):
    got = values(write_google_forms(tmp_path), "worcs")
    assert got["returned_on"] == ["2024-06-14", "2024-06-20", "2024-07-01"]
    assert len(set(got["response_id"])) == 3


# --- questions by wording -------------------------------------------------------------------------


def test_questions_matched_exactly_and_fuzzily(services):
    matches = forms.match_questions([Q1.upper().rstrip("?"), "Q2", FUZZY_Q1, "Favourite colour?"], "worcs")
    assert (matches[0].target, matches[0].how) == ("Q1", "exact")
    assert (matches[1].target, matches[1].how) == ("Q2", "numbered")
    assert matches[2].target is None and matches[2].how == "repeated"  # Q1 went to the exact column
    assert matches[3].target is None and matches[3].how == "unmatched"
    fuzzy = forms.match_questions([FUZZY_Q1], "worcs")[0]
    assert (fuzzy.target, fuzzy.how) == ("Q1", "fuzzy") and fuzzy.score >= forms.QUESTION_MATCH_FROM


def test_questions_matched_through_the_mapping_file_only(services):
    wording = "Would you tell a friend about us?"  # like no question bucks asks
    assert forms.match_questions([wording], "bucks")[0].target is None
    write_mapping(
        services, "bucks", f"questions:\n  evaluations:\n    '{wording}': Q4\n    Tell us more: comments\n"
    )
    matches = forms.match_questions([wording, "Tell us more"], "bucks")
    assert [(m.target, m.how) for m in matches] == [("Q4", "mapping"), ("comments", "mapping")]


def test_a_mapping_to_a_question_the_service_does_not_ask_is_refused(services):
    write_mapping(services, "bucks", "questions:\n  evaluations:\n    How easy was it?: Q9\n")
    with pytest.raises(
        MappingFileError, match=r"bucks\.yaml: questions\.evaluations\.How easy was it\?: 'Q9'"
    ):
        mapping("bucks")


# --- answers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "scale", "expected"),
    [
        ("Excellent", (1, 4), "4"),
        ("very satisfied.", (1, 4), "4"),
        ("Strongly agree", (1, 4), "4"),
        ("Poor;", (1, 4), "1"),
        ("Don't know", (1, 4), None),
        ("Not at all likely", (0, 10), "0"),
        ("Extremely likely", (0, 10), "10"),
        ("7 - likely", (0, 10), "7"),
        ("Good;Poor;", (1, 4), "Good;Poor;"),  # two choices: no one rating
        ("Splendid", (1, 4), "Splendid"),
    ],
)
def test_answers_in_words_onto_the_scale(answer, scale, expected):
    assert forms.rating_text(answer, scale) == expected


def test_an_unknown_answer_rejected(tmp_path, con, services):
    write_mapping(
        services,
        "bucks",
        "questions:\n  evaluations:\n    What difference did we make?: Q2\n    Tell us more: comments\n",
    )
    rows = [["10", "", "", "Splendid, said Seraphina Zouch", "Thanks"]]
    path = write_surveymonkey(tmp_path, answers=rows)
    result = load_file(con, path, "bucks", "evaluations", native=forms.SOURCE)
    assert result.rows_rejected == 1 and result.reasons["bad_rating"] == 1
    (kept,) = con.execute("SELECT detail || row_values FROM rejects").fetchall()[0]
    assert "Seraphina" not in kept and "Zouch" not in kept


# --- same figures as a hand-made extract ----------------------------------------------------------


def test_same_figures_as_the_hand_made_extract(tmp_path, services):
    form = write_ms_forms(tmp_path)
    hand = tmp_path / "evaluations_2024.csv"
    hand.write_text(
        "Response ID,Date Returned,Q1,Q2,Comments\n"
        "EV-1,05/03/2024,4,4,was brilliant\nEV-2,10/03/2024,3,3,Thank you\nEV-3,15/03/2024,2,1,\n",
        encoding="utf-8",
    )
    results = []
    for path, native_source in ((form, forms.SOURCE), (hand, None)):
        with db.connect(tmp_path / f"{path.stem}.duckdb", read_only=False) as con:
            load_file(con, path, "worcs", "evaluations", native=native_source)
            found = evaluations(con, "worcs", 2024)
            results.append((found.forms, found.questions.to_dicts(), found.ratings.to_dicts()))
    assert results[0] == results[1]
    assert results[0][0] == 3


# --- nothing personal in the database -------------------------------------------------------------


def test_no_email_name_or_ip_address_in_the_database(tmp_path, raw_worcs):
    write_ms_forms(raw_worcs, "Forms download.xlsx")
    write_google_forms(raw_worcs, "Responses.csv")
    write_surveymonkey(raw_worcs, "survey.csv")
    report = build(tmp_path / "forms.duckdb", source="raw")
    assert not report.failures, report.failures
    assert len(report.results) == 3
    text = database_text(tmp_path / "forms.duckdb")
    assert "was brilliant" in text  # the comments are there, redacted
    for value in [
        *PEOPLE,
        *(p.split()[0] for p in PEOPLE),
        *EMAILS,
        *IPS,
        "example.org",
        "11400000000"[:6] + "x",
    ]:
        assert value not in text, value


# --- sendiass check -------------------------------------------------------------------------------


def test_check_names_the_source_period_and_question_matches(tmp_path, capsys):
    from sendiass_lib.ingest import check_report
    from sendiass_lib.ingest.check import check_download

    path = write_ms_forms(tmp_path, "download.xlsx")
    lines = check_report.terminal(check_download(path, "worcs"))
    assert "Microsoft Forms responses" in lines
    assert "5 Mar 2024 to 15 Mar 2024" in lines
    assert f"Q1 <- '{Q1}' [exact]" in lines
    assert "not used: 'How did you hear about us?'" in lines


def test_a_form_asking_the_training_questions_loads_as_training_evaluations(tmp_path, raw_worcs):
    # The training evaluation form's two questions (questions.TRAINING_QUESTIONS), reworded as a form
    # writer would: matched by wording, the download is a training evaluation, not a service one.
    header = ["Timestamp", "Email address", "How much did the session add to what you know?",
              "Please give an overall rating of the session", "Any other comments"]  # fmt: skip
    rows = [
        ["2024/06/14 10:10:09", "a.parent@example.org", "A lot", "Excellent", "Very clear"],
        ["2024/06/14 10:12:30", "b.parent@example.org", "Some", "Good", ""],
    ]
    path = raw_worcs / "Workshop feedback.csv"
    path.write_text("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n", encoding="utf-8")
    assert forms.kind_for(path, "worcs") == "training_evaluations"
    from sendiass_lib.ingest.build import build

    report = build(tmp_path / "d.duckdb", source="raw")
    assert [(r.file_name, r.rows_loaded, r.rows_rejected) for r in report.results] == [
        ("Workshop feedback.csv", 2, 0)
    ]
    with db.connect(tmp_path / "d.duckdb") as con:
        ratings = con.execute(
            "SELECT question, rating FROM training_evaluation_ratings ORDER BY response_id, question"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM evaluations").fetchone() == (0,)
    assert ratings == [("Q1", 4), ("Q2", 4), ("Q1", 3), ("Q2", 3)]


def test_the_check_page_shows_which_question_is_which(tmp_path):
    from sendiass_lib.ingest import check_report
    from sendiass_lib.ingest.check import check_download

    page = check_report.write_page(check_download(write_ms_forms(tmp_path), "worcs"), tmp_path / "out")
    html = page.read_text(encoding="utf-8")
    assert "Download: Microsoft Forms responses" in html
    assert "Q1 &lt;- " in html  # the source's notes, escaped
