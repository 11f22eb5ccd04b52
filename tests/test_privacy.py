"""Personal data: pseudonyms, age bands and redaction (docs/privacy.md)."""

import hashlib
import hmac
from datetime import date

import polars as pl
import pytest

from sendiass_lib import config, db, privacy
from sendiass_lib.ingest.load import load_file
from tests.conftest import HEADER, database_text, write_extract


def test_key_is_created_once_in_env_file_when_none_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_NAME)
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    privacy.pseudonym_key.cache_clear()
    try:
        first = privacy.pseudonym_key()
        privacy.pseudonym_key.cache_clear()
        assert privacy.pseudonym_key() == first  # read back, not made anew
        env = (tmp_path / ".env").read_text()
        assert f"{privacy.KEY_NAME}={first.decode()}" in env and len(first) == 64
        assert (tmp_path / ".env").stat().st_mode & 0o077 == 0  # readable by its owner only
    finally:
        privacy.pseudonym_key.cache_clear()


def test_env_file_is_never_committed():
    ignored = (config.PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored


def test_pseudonym_is_stable_per_service_and_hides_the_id():
    ids = pl.Series(["C-1", "C-2", "C-1", None])
    worcs = privacy.pseudonymise(ids, "worcs").to_list()
    assert worcs[0] == worcs[2] and worcs[0] != worcs[1] and worcs[3] is None
    assert len(worcs[0]) == 16 and "C-1" not in worcs[0]
    assert privacy.pseudonymise(ids, "herefs")[0] != worcs[0]


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2015, 3, 14), date(2020, 3, 13), "0-4"),  # the day before the 5th birthday
        (date(2015, 3, 14), date(2020, 3, 14), "5-10"),  # on it
        (date(2008, 2, 29), date(2024, 2, 28), "11-15"),  # leap-day birthday, aged 15
        (date(2008, 2, 29), date(2024, 2, 29), "16-18"),
        (date(1999, 1, 1), date(2024, 6, 1), "19-25"),
        (date(1990, 1, 1), date(2024, 6, 1), "26+"),
        (date(2025, 1, 1), date(2024, 6, 1), "Unknown"),  # born after: no band
    ],
)
def test_age_band_is_age_in_whole_years_on_the_opening_day(born, on, band):
    frame = pl.DataFrame({"born": [born], "on": [on]})
    assert frame.select(privacy.age_band(pl.col("born"), pl.col("on"))).item() == band


def test_redaction_replaces_contacts_and_the_rows_own_names_only():
    notes = pl.Series(
        [
            "Jane Smith-Jones (mum) on 07700 900123, +44 1905 123456, jane.s@example.org, WR1 2AB.",
            "Spoke to Smith's school about Jane's EHCP",
            "Mr Patel called; not Jane",
        ]
    )
    names = [pl.Series(["Jane Smith-Jones", "Pat Smith", "Raj Patel"])]
    assert privacy.redact(notes, names).to_list() == [
        "[name] (mum) on [phone], [phone], [email], [postcode].",
        "Spoke to [name]'s school about Jane's EHCP",
        "Mr [name] called; not Jane",
    ]


def test_a_load_keeps_no_personal_value_anywhere_in_the_database(tmp_path):
    header = [*HEADER, "Client ID", "DOB", "Parent Name", "Child's Name", "Email", "Notes"]
    rows = [
        [
            "A1",
            "05/01/2024",
            "",
            "",
            "",
            "CL-99812",
            "14/03/2013",
            "Jane Smithson",
            "Kai Smithson",
            "jane@example.org",
            "Jane Smithson says Kai needs help; call 07700 900123",
        ],
        [
            "A2",
            "31/02/2024",
            "",
            "",
            "",
            "CL-77123",
            "02/02/2012",
            "Bob Ffrench",
            "Ava Ffrench",
            "bob@example.org",
            "Bob Ffrench at WR1 2AB",
        ],
    ]
    db_path = tmp_path / "p.duckdb"
    with db.connect(db_path, read_only=False) as con:
        load_file(
            con,
            write_extract(tmp_path, "involvements.csv", rows, header=header),
            "worcs",
            "involvements",
            today=date(2024, 6, 1),
        )
        stored = con.execute("SELECT client_key, age_band, notes FROM involvements").fetchone()
    assert stored[1] == "5-10" and stored[2] == "[name] says [name] needs help; call [phone]"
    data, dump = db_path.read_bytes(), database_text(db_path)
    for value in [
        "CL-99812",
        "CL-77123",
        "14/03/2013",
        "02/02/2012",
        "Smithson",
        "Ffrench",
        "Kai",
        "Ava",
        "example.org",
        "07700",
        "WR1 2AB",
    ]:
        assert value.encode() not in data and value not in dump, value


@pytest.mark.parametrize("key", [b"k" * 64, b"short key", b"x" * 100])
def test_keyed_hash_is_hmac_sha256_of_prefix_and_value(key):
    values = pl.Series("id", ["C0001", "Zoë-7", "", "C0001"])
    expected = [hmac.new(key, f"worcs:{v}".encode(), hashlib.sha256).hexdigest()[:16] for v in values]
    assert privacy.keyed_hashes(values, "worcs:", key).to_list() == expected
