"""Native downloads of the mailing list (Mailchimp audience export) and bookings (Eventbrite attendee
report): recognised by content, converted to counts, nothing personal kept. Fixtures are built here
from the documented layouts (docs/data-contract.md), one per quirk."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from sendiass_lib import db
from sendiass_lib.ingest import native
from sendiass_lib.ingest.build import build
from sendiass_lib.ingest.errors import ExtractError
from sendiass_lib.ingest.load import load_file
from sendiass_lib.ingest.native import eventbrite, mailchimp
from sendiass_lib.metrics import digital, training

EMAILS = ["ann.smith@example.org", "bob.jones@example.org", "cat.brown@example.org"]
PERSONAL = ["ann.smith", "bob.jones", "cat.brown", "Smith", "Jones", "Brown", "Annabel", "Bobby",
            "moved away", "too many emails", "VIP donor", "Catriona", "Dorian", "Evadne"]

SUBSCRIBED_HEADER = ["Email Address", "First Name", "Last Name", "Area", "MEMBER_RATING", "OPTIN_TIME",
                     "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF",
                     "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS"]
UNSUB_HEADER = ["Email Address", "Last Name", "First Name", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME",
                "LAST_CHANGED", "LEID", "EUID", "NOTES", "UNSUB_TIME", "UNSUB_CAMPAIGN_TITLE",
                "UNSUB_CAMPAIGN_ID", "UNSUB_REASON", "UNSUB_REASON_OTHER"]
CLEANED_HEADER = ["Email Address", "First Name", "OPTIN_TIME", "CONFIRM_TIME", "LAST_CHANGED", "LEID",
                  "EUID", "NOTES", "CLEAN_TIME", "CLEAN_CAMPAIGN_TITLE"]


def _csv(header: list[str], rows: list[dict]) -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if ("," in v or " " in v) else v

    lines = [",".join(header)] + [",".join(cell(r.get(h, "")) for h in header) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def mailchimp_zip(folder: Path, name: str = "Newsletter.zip", undated: bool = False) -> Path:
    """An audience: 3 subscribed (Jan x2, Mar), 2 unsubscribed (joined Jan and Feb, left Mar and
    Apr), 1 cleaned (joined Feb, cleaned Apr). Latest time: 20 Apr 2024."""
    sub = [
        {"Email Address": EMAILS[0], "First Name": "Annabel", "Last Name": "Smith", "Area": "Malvern",
         "OPTIN_TIME": "2024-01-05 10:00:00", "CONFIRM_TIME": "2024-01-05 10:02:11",
         "LAST_CHANGED": "2024-01-05 10:02:11", "NOTES": "VIP donor", "MEMBER_RATING": "2"},
        {"Email Address": EMAILS[1], "First Name": "Bobby", "Last Name": "Jones",
         "OPTIN_TIME": "", "CONFIRM_TIME": "2024-01-31 23:59:59", "LAST_CHANGED": "2024-02-01 08:00:00"},
        {"Email Address": EMAILS[2], "First Name": "Catriona", "Last Name": "Brown",
         "OPTIN_TIME": "2024-03-15 12:00:00", "CONFIRM_TIME": "2024-03-15 12:01:00",
         "LAST_CHANGED": "2024-04-20 09:00:00"},
    ]
    if undated:
        sub.append({"Email Address": "nodate@example.org", "First Name": "Dorian", "OPTIN_TIME": "",
                    "CONFIRM_TIME": "", "LAST_CHANGED": "2024-02-02 10:00:00"})
    unsub = [
        {"Email Address": "dorian@example.org", "Last Name": "Smith", "First Name": "Dorian",
         "OPTIN_TIME": "2024-01-10 09:00:00", "CONFIRM_TIME": "2024-01-10 09:01:00",
         "LAST_CHANGED": "2024-03-02 10:00:00", "UNSUB_TIME": "2024-03-02 10:00:00",
         "UNSUB_REASON": "too many emails", "NOTES": "moved away"},
        {"Email Address": "evadne@example.org", "Last Name": "Jones", "First Name": "Evadne",
         "OPTIN_TIME": "2024-02-11 09:00:00", "CONFIRM_TIME": "",
         "LAST_CHANGED": "2024-04-01 10:00:00", "UNSUB_TIME": "2024-04-01 10:00:00",
         "UNSUB_REASON": "moved away"},
    ]
    cleaned = [
        {"Email Address": "bounced@example.org", "First Name": "Evadne", "OPTIN_TIME": "2024-02-20 09:00:00",
         "CONFIRM_TIME": "2024-02-20 09:00:00", "LAST_CHANGED": "2024-04-02 10:00:00", "CLEAN_TIME": ""},
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


NEW_HEADER = ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier",
              "Ticket Type", "Attendee #", "Group", "Order Type", "Currency", "Total Paid",
              "Eventbrite Fees", "Attendee Status", "Event Name", "Event ID", "Event Date",
              "What is your child's school?"]


def attendee(order: str, first: str, last: str, status: str, event: tuple[str, str, str], n: int) -> dict:
    name, event_id, when = event
    return {"Order #": order, "Order Date": "2024-02-01 10:00:00", "First Name": first, "Last Name": last,
            "Email": f"{first.lower()}.{last.lower()}@example.org", "Quantity": "1", "Ticket Type": "Parent",
            "Attendee #": str(1000 + n), "Order Type": "Free Order", "Currency": "GBP", "Total Paid": "0.00",
            "Attendee Status": status, "Event Name": name, "Event ID": event_id, "Event Date": when,
            "What is your child's school?": f"{last} Primary"}


EHCP = ("What makes a good EHCP", "812345678901", "2024-03-12 10:00:00")
AUTISM = ("Autism & Me", "812345678902", "2024-05-07 18:30:00")


def eventbrite_rows() -> list[dict]:
    """EHCP: 4 attending (2 checked in), 1 refunded, 1 cancelled; Autism: 3 (1 checked in, 1 not
    attending)."""
    people = [("Annabel", "Smith", "Checked In", EHCP), ("Bobby", "Jones", "Checked In", EHCP),
              ("Catriona", "Brown", "Attending", EHCP), ("Dorian", "Smith", "Attending", EHCP),
              ("Evadne", "Jones", "Refunded", EHCP), ("Annabel", "Brown", "Cancelled", EHCP),
              ("Bobby", "Smith", "Checked In", AUTISM), ("Catriona", "Jones", "Attending", AUTISM),
              ("Dorian", "Brown", "Not Attending", AUTISM)]
    return [attendee(f"9{n:03d}", f, last, s, e, n) for n, (f, last, s, e) in enumerate(people)]
