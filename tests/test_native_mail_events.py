"""Native downloads of the mailing list (Mailchimp audience export) and bookings (Eventbrite attendee
report): recognised by content, converted to counts, nothing personal kept. Fixtures are built here
from the documented layouts (docs/data-contract.md), one per quirk."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sendiass_lib import db, fields
from sendiass_lib.ingest import native
from sendiass_lib.ingest.build import build
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from sendiass_lib.ingest.native import eventbrite, mailchimp
from sendiass_lib.metrics import digital, mailing, training

EMAILS = ["ann.smith@example.org", "bob.jones@example.org", "cat.brown@example.org"]
PERSONAL = [
    "ann.smith",
    "bob.jones",
    "cat.brown",
    "Smith",
    "Jones",
    "Brown",
    "Annabel",
    "Bobby",
    "moved away",
    "too many emails",
    "VIP donor",
    "Catriona",
    "Dorian",
    "Evadne",
]

SUBSCRIBED_HEADER = [
    "Email Address",
    "First Name",
    "Last Name",
    "Area",
    "MEMBER_RATING",
    "OPTIN_TIME",
    "OPTIN_IP",
    "CONFIRM_TIME",
    "CONFIRM_IP",
    "LATITUDE",
    "LONGITUDE",
    "GMTOFF",
    "DSTOFF",
    "TIMEZONE",
    "CC",
    "REGION",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
    "TAGS",
]
UNSUB_HEADER = [
    "Email Address",
    "Last Name",
    "First Name",
    "MEMBER_RATING",
    "OPTIN_TIME",
    "CONFIRM_TIME",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
    "UNSUB_TIME",
    "UNSUB_CAMPAIGN_TITLE",
    "UNSUB_CAMPAIGN_ID",
    "UNSUB_REASON",
    "UNSUB_REASON_OTHER",
]
CLEANED_HEADER = [
    "Email Address",
    "First Name",
    "OPTIN_TIME",
    "CONFIRM_TIME",
    "LAST_CHANGED",
    "LEID",
    "EUID",
    "NOTES",
    "CLEAN_TIME",
    "CLEAN_CAMPAIGN_TITLE",
]


def _csv(header: list[str], rows: list[dict]) -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if ("," in v or " " in v) else v

    lines = [",".join(header)] + [",".join(cell(r.get(h, "")) for h in header) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def mailchimp_zip(folder: Path, name: str = "Newsletter.zip", undated: bool = False) -> Path:
    """An audience: 3 subscribed (Jan x2, Mar), 2 unsubscribed (joined Jan and Feb, left Mar and
    Apr), 1 cleaned (joined Feb, cleaned Apr). Latest time: 20 Apr 2024."""
    sub = [
        {
            "Email Address": EMAILS[0],
            "First Name": "Annabel",
            "Last Name": "Smith",
            "Area": "Malvern",
            "OPTIN_TIME": "2024-01-05 10:00:00",
            "CONFIRM_TIME": "2024-01-05 10:02:11",
            "LAST_CHANGED": "2024-01-05 10:02:11",
            "NOTES": "VIP donor",
            "MEMBER_RATING": "2",
        },
        {
            "Email Address": EMAILS[1],
            "First Name": "Bobby",
            "Last Name": "Jones",
            "OPTIN_TIME": "",
            "CONFIRM_TIME": "2024-01-31 23:59:59",
            "LAST_CHANGED": "2024-02-01 08:00:00",
        },
        {
            "Email Address": EMAILS[2],
            "First Name": "Catriona",
            "Last Name": "Brown",
            "OPTIN_TIME": "2024-03-15 12:00:00",
            "CONFIRM_TIME": "2024-03-15 12:01:00",
            "LAST_CHANGED": "2024-04-20 09:00:00",
        },
    ]
    if undated:
        sub.append(
            {
                "Email Address": "nodate@example.org",
                "First Name": "Dorian",
                "OPTIN_TIME": "",
                "CONFIRM_TIME": "",
                "LAST_CHANGED": "2024-02-02 10:00:00",
            }
        )
    unsub = [
        {
            "Email Address": "dorian@example.org",
            "Last Name": "Smith",
            "First Name": "Dorian",
            "OPTIN_TIME": "2024-01-10 09:00:00",
            "CONFIRM_TIME": "2024-01-10 09:01:00",
            "LAST_CHANGED": "2024-03-02 10:00:00",
            "UNSUB_TIME": "2024-03-02 10:00:00",
            "UNSUB_REASON": "too many emails",
            "NOTES": "moved away",
        },
        {
            "Email Address": "evadne@example.org",
            "Last Name": "Jones",
            "First Name": "Evadne",
            "OPTIN_TIME": "2024-02-11 09:00:00",
            "CONFIRM_TIME": "",
            "LAST_CHANGED": "2024-04-01 10:00:00",
            "UNSUB_TIME": "2024-04-01 10:00:00",
            "UNSUB_REASON": "moved away",
        },
    ]
    cleaned = [
        {
            "Email Address": "bounced@example.org",
            "First Name": "Evadne",
            "OPTIN_TIME": "2024-02-20 09:00:00",
            "CONFIRM_TIME": "2024-02-20 09:00:00",
            "LAST_CHANGED": "2024-04-02 10:00:00",
            "CLEAN_TIME": "",
        },
    ]
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("subscribed_members_export_4f2a9c.csv", _csv(SUBSCRIBED_HEADER, sub))
        archive.writestr("unsubscribed_members_export_4f2a9c.csv", _csv(UNSUB_HEADER, unsub))
        archive.writestr("cleaned_members_export_4f2a9c.csv", _csv(CLEANED_HEADER, cleaned))
    return path


# Hand-computed from mailchimp_zip: joined Jan 3 (Ann, Bob, Dorian), Feb 2 (Evadne, bounced),
# Mar 1 (Cat), Apr 0; left Mar 1 (Dorian), Apr 2 (Evadne, bounced: LAST_CHANGED, CLEAN_TIME blank).
EXPECTED = {
    date(2024, 1, 1): (3, 3, 0),
    date(2024, 2, 1): (5, 2, 0),
    date(2024, 3, 1): (5, 1, 1),
    date(2024, 4, 1): (3, 0, 2),
}


NEW_HEADER = [
    "Order #",
    "Order Date",
    "First Name",
    "Last Name",
    "Email",
    "Quantity",
    "Price Tier",
    "Ticket Type",
    "Attendee #",
    "Group",
    "Order Type",
    "Currency",
    "Total Paid",
    "Eventbrite Fees",
    "Attendee Status",
    "Event Name",
    "Event ID",
    "Event Date",
    "What is your child's school?",
]


def attendee(order: str, first: str, last: str, status: str, event: tuple[str, str, str], n: int) -> dict:
    name, event_id, when = event
    return {
        "Order #": order,
        "Order Date": "2024-02-01 10:00:00",
        "First Name": first,
        "Last Name": last,
        "Email": f"{first.lower()}.{last.lower()}@example.org",
        "Quantity": "1",
        "Ticket Type": "Parent",
        "Attendee #": str(1000 + n),
        "Order Type": "Free Order",
        "Currency": "GBP",
        "Total Paid": "0.00",
        "Attendee Status": status,
        "Event Name": name,
        "Event ID": event_id,
        "Event Date": when,
        "What is your child's school?": f"{last} Primary",
    }


EHCP = ("What makes a good EHCP", "812345678901", "2024-03-12 10:00:00")
AUTISM = ("Autism & Me", "812345678902", "2024-05-07 18:30:00")


def eventbrite_rows() -> list[dict]:
    """EHCP: 4 attending (2 checked in), 1 refunded, 1 cancelled; Autism: 3 (1 checked in, 1 not
    attending)."""
    people = [
        ("Annabel", "Smith", "Checked In", EHCP),
        ("Bobby", "Jones", "Checked In", EHCP),
        ("Catriona", "Brown", "Attending", EHCP),
        ("Dorian", "Smith", "Attending", EHCP),
        ("Evadne", "Jones", "Refunded", EHCP),
        ("Annabel", "Brown", "Cancelled", EHCP),
        ("Bobby", "Smith", "Checked In", AUTISM),
        ("Catriona", "Jones", "Attending", AUTISM),
        ("Dorian", "Brown", "Not Attending", AUTISM),
    ]
    return [attendee(f"9{n:03d}", f, last, s, e, n) for n, (f, last, s, e) in enumerate(people)]


OLD_HEADER = [
    "Attendee #",
    "Date",
    "Last Name",
    "First Name",
    "Email",
    "QTY",
    "Ticket Type",
    "Status",
    "Checked In",
    "How did you hear about us?",
]


def old_report(folder: Path, name: str, preamble: list[str] | None = None) -> Path:
    """The older layout, the event named above the header; 3 booked (one refunded not), 2 checked in."""
    rows = [
        {
            "Attendee #": "501",
            "Date": "05/02/2024",
            "Last Name": "Smith",
            "First Name": "Annabel",
            "Email": EMAILS[0],
            "QTY": "2",
            "Ticket Type": "Parent",
            "Status": "Attending",
            "Checked In": "Yes",
        },
        {
            "Attendee #": "502",
            "Date": "05/02/2024",
            "Last Name": "Jones",
            "First Name": "Bobby",
            "Email": EMAILS[1],
            "QTY": "2",
            "Ticket Type": "Parent",
            "Status": "Attending",
            "Checked In": "No",
        },
        {
            "Attendee #": "503",
            "Date": "06/02/2024",
            "Last Name": "Brown",
            "First Name": "Catriona",
            "Email": EMAILS[2],
            "QTY": "1",
            "Ticket Type": "Professional",
            "Status": "Refunded",
            "Checked In": "",
        },
        {
            "Attendee #": "504",
            "Date": "07/02/2024",
            "Last Name": "Smith",
            "First Name": "Dorian",
            "Email": "dorian@example.org",
            "QTY": "1",
            "Ticket Type": "Parent",
            "Status": "Attending",
            "Checked In": "2024-03-20 18:05",
        },
    ]
    lines = (
        preamble
        if preamble is not None
        else ["Attendee Report for Preparing for adulthood", "Event date: 20/03/2024"]
    )
    path = folder / name
    quoted = [",".join(f'"{h}"' for h in OLD_HEADER), *_csv(OLD_HEADER, rows).splitlines()[1:]]
    path.write_text("\r\n".join([*lines, "", *quoted]) + "\r\n", encoding="utf-8")
    return path


def eventbrite_xlsx(folder: Path, name: str) -> Path:
    """The current layout as a workbook, columns in another order (event columns first)."""
    import xlsxwriter

    header = [
        "Event Name",
        "Event Date",
        "Attendee #",
        "Order #",
        "Order Date",
        "Email",
        "First Name",
        "Last Name",
        "Ticket Type",
        "Quantity",
        "Attendee Status",
        "Dietary needs",
    ]
    path = folder / name
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Attendees")
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    for r, row in enumerate(eventbrite_rows(), start=1):
        for c, h in enumerate(header):
            sheet.write(r, c, row.get(h, ""))
    book.close()
    return path


def test_downloads_are_recognised_by_content_not_name(tmp_path):
    renamed_zip = mailchimp_zip(tmp_path, "list backup.zip")
    report = tmp_path / "spring bookings.csv"
    report.write_text(_csv(NEW_HEADER, eventbrite_rows()), encoding="utf-8")
    old = old_report(tmp_path, "export (3).csv")
    book = eventbrite_xlsx(tmp_path, "report.xlsx")
    assert native.recognise(renamed_zip)[0] is mailchimp.SOURCE
    for path in (report, old, book):
        source, found = native.recognise(path)
        assert source is eventbrite.SOURCE and found.kind == "training", path
    # A zip of anything else, and a CSV that is not an attendee report, are not recognised.
    other = tmp_path / "subscribed_members_export_1.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.csv", "Email Address,OPTIN_TIME\r\n")
    plain = tmp_path / "eventbrite.csv"
    plain.write_text("Name,Email,Date\r\nA,a@example.org,2024-01-01\r\n", encoding="utf-8")
    assert native.recognise(other) is None or native.recognise(other)[0] is not mailchimp.SOURCE
    assert native.recognise(plain) is None or native.recognise(plain)[0] is not eventbrite.SOURCE
    assert "Mailchimp" in native.looked_for() and "Eventbrite" in native.looked_for()


def test_mailchimp_subscribers_joined_and_left_per_month(tmp_path):
    raw = mailchimp.SOURCE.convert(mailchimp_zip(tmp_path), "worcs")
    assert raw.headers == ["month", "scope", "channel", "metric", "item", "value"]
    rows = raw.rows.drop("__row").rows()
    got = {}
    for month, scope, channel, metric, item, value in rows:
        assert (scope, channel, item) == ("joint", "Mailing list", None)  # worcs.yaml: joint_channels
        got.setdefault(date.fromisoformat(month + "-01"), {})[metric] = int(value)
    assert {m: (v["Subscribers"], v["Joined"], v["Left"]) for m, v in got.items()} == EXPECTED
    assert fields.is_level("Subscribers") and not fields.is_level("Joined")


def varchar_values(path: Path) -> str:
    """Every VARCHAR (and VARCHAR[]) value in the database, read back through SQL, as one text."""
    found = []
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON') AND table_schema = 'main'"""
        ).fetchall()
        for table, name in columns:
            found += [str(v) for (v,) in con.execute(f'SELECT DISTINCT "{name}" FROM "{table}"').fetchall()]
    return "\n".join(found)


def test_build_loads_both_downloads_keeping_no_personal_data(raw_worcs, tmp_path):
    mailchimp_zip(raw_worcs, "audience.zip", undated=True)
    (raw_worcs / "spring.csv").write_text(_csv(NEW_HEADER, eventbrite_rows()), encoding="utf-8")
    old_report(raw_worcs, "older.csv")
    path = tmp_path / "db.duckdb"
    report = build(path, source="raw")
    assert not report.failures, report.failures
    assert {r.file_name for r in report.results} == {"audience.zip", "spring.csv", "older.csv"}
    for result in report.results:
        assert result.rows_in == result.rows_loaded + result.rows_rejected
    audience = next(r for r in report.results if r.file_name == "audience.zip")
    assert (audience.rows_loaded, audience.rows_rejected) == (12, 1)
    text = varchar_values(path).lower()
    for value in [*EMAILS, *PERSONAL, "@example.org", "primary", "9000", "1001", "free order"]:
        assert value.lower() not in text, value
    # Idempotent: a second build loads nothing again and changes nothing.
    again = build(path, source="raw")
    assert all(r.already_loaded for r in again.results) and not again.rebuilt
    with db.connect(path) as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 3
        sessions = con.execute(
            "SELECT session_id, session_date, course, booked, attended FROM training_sessions ORDER BY 2"
        ).fetchall()
    assert sessions == [
        ("812345678901", date(2024, 3, 12), "What makes a good EHCP", 4, 2),
        ("Preparing for adulthood 2024-03-20", date(2024, 3, 20), "Preparing for adulthood", 3, 2),
        ("812345678902", date(2024, 5, 7), "Autism & Me", 3, 1),
    ]


def test_eventbrite_booked_and_attended_per_event(tmp_path):
    book = eventbrite_xlsx(tmp_path, "report.xlsx")
    rows = eventbrite.SOURCE.convert(book, "worcs").rows.drop("__row").rows()
    # EHCP: 6 rows, refunded and cancelled not booked -> 4 booked, 2 checked in; Autism: 3 booked
    # (Not Attending is a booking that did not come), 1 checked in.
    assert sorted(rows) == [
        ("Autism & Me 2024-05-07", "2024-05-07", "Autism & Me", None, None, "3", "1"),
        ("What makes a good EHCP 2024-03-12", "2024-03-12", "What makes a good EHCP", None, None, "4", "2"),
    ]


def test_eventbrite_older_layout_and_a_report_without_check_in_or_event(tmp_path):
    rows = eventbrite.SOURCE.convert(old_report(tmp_path, "a.csv"), "worcs").rows.drop("__row").rows()
    assert rows == [
        ("Preparing for adulthood 2024-03-20", "2024-03-20", "Preparing for adulthood", None, None, "3", "2")
    ]
    no_check_in = [dict(r) for r in eventbrite_rows()]
    for r in no_check_in:
        r["Attendee Status"] = "Attending" if r["Attendee Status"] == "Checked In" else r["Attendee Status"]
    path = tmp_path / "b.csv"
    path.write_text(_csv(NEW_HEADER, no_check_in), encoding="utf-8")
    found = eventbrite.SOURCE.convert(path, "worcs").rows.drop("__row").rows()
    assert sorted((r[2], r[5], r[6]) for r in found) == [
        ("Autism & Me", "3", None),
        ("What makes a good EHCP", "4", None),
    ]
    assert any("no check-in" in u for u in native.recognise(path)[1].unused)
    nameless = old_report(tmp_path, "c.csv", preamble=[])
    with pytest.raises(ExtractError, match=r"no event name .* and event date"):
        eventbrite.SOURCE.convert(nameless, "worcs")


def _load_both(tmp_path, name: str, files: list[Path]) -> Path:
    path = tmp_path / name
    with db.connect(path, read_only=False) as con:
        for file in files:
            found = native.recognise(file)
            kind = found[1].kind if found else file.stem.split("_")[0]
            load_file(con, file, "worcs", kind, native=found[0] if found else None)
    return path


def test_the_same_figures_as_the_hand_made_extracts(tmp_path, internal):
    downloads = tmp_path / "downloads"
    made = tmp_path / "made"
    downloads.mkdir()
    made.mkdir()
    zipped = mailchimp_zip(downloads)
    report = downloads / "report.csv"
    report.write_text(_csv(NEW_HEADER, eventbrite_rows()), encoding="utf-8")
    lines = ["Month,Scope,Platform,Measure,Video Title,Value"]
    for month, (level, joined, left) in EXPECTED.items():
        lines += [
            f"{month:%b-%y},joint,Mailing list,{metric},,{value}"
            for metric, value in (("Subscribers", level), ("Joined", joined), ("Left", left))
        ]
    (made / "digital_2024.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (made / "training_2024.csv").write_text(
        "Session Ref,Date of Session,Course Title,Bookings,Attendance\n"
        "S1,12/03/2024,What makes a good EHCP,4,2\nS2,07/05/2024,Autism & Me,3,1\n",
        encoding="utf-8",
    )
    a = _load_both(tmp_path, "a.duckdb", [zipped, report])
    b = _load_both(tmp_path, "b.duckdb", sorted(made.iterdir()))
    with db.connect(a) as one, db.connect(b) as two:
        [x], [y] = mailing.mailing_list(one, "worcs", 2024), mailing.mailing_list(two, "worcs", 2024)
        assert (
            (x.metric, x.current, x.scope)
            == (y.metric, y.current, y.scope)
            == ("Subscribers", (date(2024, 4, 1), 3), "joint")
        )
        assert (
            digital.rows(one, "worcs", date(2024, 1, 1), date(2024, 12, 1))
            .drop("first_row")
            .equals(digital.rows(two, "worcs", date(2024, 1, 1), date(2024, 12, 1)).drop("first_row"))
        )
        p, q = training.attendance(one, "worcs", 2024), training.attendance(two, "worcs", 2024)
        assert p.courses.equals(q.courses) and (p.sessions, p.booked, p.attended) == (2, 7, 3)


def test_check_names_the_source_and_period(tmp_path, capsys):
    from sendiass_lib import cli

    zipped = mailchimp_zip(tmp_path, "whatever.zip")
    code = cli.main(["check", str(zipped), "--service", "worcs", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "Download: Mailchimp audience export, subscribers to 30 Apr 2024, feeds the Digital reach appendix."
    ) in out
    assert "never read" in out and "@" not in out
    report = tmp_path / "bookings.csv"
    report.write_text(_csv(NEW_HEADER, eventbrite_rows()), encoding="utf-8")
    assert cli.main(["check", str(report), "--service", "worcs", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Eventbrite attendee report, sessions 12 Mar 2024 to 7 May 2024, feeds the Training" in out
    other = tmp_path / "notes.csv"
    other.write_text("Who,What\r\nx,y\r\n", encoding="utf-8")
    assert cli.main(["check", str(other), "--service", "worcs", "--out", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    assert "Mailchimp audience export, Eventbrite attendee report" in err and "looked for: " in err
