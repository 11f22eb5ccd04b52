"""Personal data: keyed pseudonyms for client ids, age bands for dates of birth, redacted free text.

Nothing here is reversible without the key: a client id becomes HMAC-SHA256(key, service:id), so
the same client links across extracts of one service while the id itself is never stored. The key
is $SENDIASS_PSEUDONYM_KEY, else the line SENDIASS_PSEUDONYM_KEY=... in the project's .env, which
is created with a random key on first use (and is gitignored). Losing the key only means new
loads get new pseudonyms; sharing it lets others re-identify ids they already hold.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import os
import re
import secrets
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import polars as pl
import yaml

from . import config, db

KEY_NAME = "SENDIASS_PSEUDONYM_KEY"
AGE_BANDS = config.PACKAGE_DIR / "taxonomies" / "age_bands.yaml"
UNKNOWN_BAND = "Unknown"

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
# UK numbers: 07700 900123, 01905 123456, +44 7700 900123, (01432) 260000, 0800 123 4567
PHONE = r"(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}"
POSTCODE = r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"


def env_file() -> Path:
    return config.PROJECT_ROOT / ".env"


@cache
def pseudonym_key() -> bytes:
    """The HMAC key: from the environment, else .env, else a new random key written to .env."""
    if value := os.environ.get(KEY_NAME):
        return value.encode()
    path = env_file()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name.strip() == KEY_NAME and value.strip():
                return value.strip().encode()
    value = secrets.token_hex(32)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f"# Key for client-id pseudonyms (sendiass_lib/privacy.py). Never commit.\n{KEY_NAME}={value}\n"
        )
    path.chmod(0o600)
    return value.encode()


def pseudonymise(ids: pl.Series, service: str) -> pl.Series:
    """Client ids -> 16-hex-digit keyed pseudonyms (per service), computed once per distinct id."""
    distinct = ids.drop_nulls().unique()
    if distinct.is_empty():  # no ids: no key needed (and no .env written)
        return ids.cast(pl.String)
    hashed = keyed_hashes(distinct.cast(pl.String), f"{service}:", pseudonym_key())
    return ids.replace_strict(distinct, hashed, default=None)


def keyed_hashes(values: pl.Series, prefix: str, key: bytes) -> pl.Series:
    """The first 16 hex digits of HMAC-SHA256(key, prefix + value) for each value, computed by
    DuckDB (vectorised: Python's hmac took ~5 s per million ids, DuckDB under 1 s)."""
    con = _hasher().cursor()
    db.register(con, "ids", pl.DataFrame({"value": values}))
    try:
        hashed = con.execute(f"SELECT {keyed_hash_sql('value', prefix, key)} FROM ids").fetchall()
        # (a relation handed to polars would leave DuckDB printing "leaked" at exit)
    finally:
        con.close()
    return pl.Series(values.name, [h for (h,) in hashed], dtype=pl.String)


def keyed_hash_sql(value: str, prefix: str, key: bytes) -> str:
    """SQL for the first 16 hex digits of HMAC-SHA256(key, prefix + value): SHA-256 over the two
    HMAC pads (RFC 2104). The key is inside the text: use it in temp objects only, never stored."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block).hex()
    outer = bytes(b ^ 0x5C for b in block).hex()
    quoted = prefix.replace("'", "''")
    return (
        f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode('{quoted}' || {value}))))[:16]"
    )


def create_pseudonym_macro(con: duckdb.DuckDBPyConnection, prefix: str) -> None:
    """The temp macro pseudonym(id, file): the keyed pseudonym of a client id (null for none), for
    the SQL that loads extracts. `prefix`: SQL for the text its service's ids are hashed after
    ('<service>:', as keyed_hashes), which may read `file` (the staged file the id is from).
    Asks for the key, so call it only when there are ids."""
    body = keyed_hash_sql(f"({prefix} || id)", "", pseudonym_key())
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO pseudonym(id, file) AS CASE WHEN id IS NULL THEN NULL ELSE {body} END"
    )


@cache
def _hasher() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for keyed_hashes, opened once (opening one costs ~40 ms a file) and
    closed at exit (left open, DuckDB prints a 'leaked' report as Python shuts down)."""
    con = duckdb.connect()
    atexit.register(con.close)
    return con


@cache
def age_bands() -> list[dict]:
    """The bands from taxonomies/age_bands.yaml, checked not to overlap."""
    bands = yaml.safe_load(AGE_BANDS.read_text(encoding="utf-8"))["bands"]
    ordered = sorted(bands, key=lambda b: b["min"])
    for a, b in itertools.pairwise(ordered):
        if b["min"] <= a["max"]:
            raise ValueError(f"{AGE_BANDS}: bands {a['label']} and {b['label']} overlap")
    return ordered


def age_band(born: pl.Expr, on: pl.Expr) -> pl.Expr:
    """The age band of someone born on `born`, on the day `on` (null when either is missing)."""
    years = on.dt.year() - born.dt.year()
    before_birthday = (on.dt.month() < born.dt.month()) | (
        (on.dt.month() == born.dt.month()) & (on.dt.day() < born.dt.day())
    )
    age = years - before_birthday.cast(pl.Int32)
    band = pl.lit(UNKNOWN_BAND)
    for b in reversed(age_bands()):
        band = pl.when(age.is_between(b["min"], b["max"])).then(pl.lit(b["label"])).otherwise(band)
    return pl.when(born.is_not_null() & on.is_not_null()).then(band)


def redact(text: pl.Series, names: list[pl.Series] | None = None) -> pl.Series:
    """Free text with emails, UK phone numbers and postcodes replaced by [email], [phone],
    [postcode], and each row's own names (from its name columns) by [name] (a full name by one)."""
    out = (
        text.str.replace_all(EMAIL, "[email]")
        .str.replace_all(POSTCODE, "[postcode]")
        .str.replace_all(PHONE, "[phone]")
    )
    if not names:
        return out
    # Only rows with text need their names looked for (most rows of an export have no notes).
    at = out.is_not_null().arg_true()
    redacted = []
    for note, *row_names in zip(out.gather(at), *[n.gather(at) for n in names], strict=True):
        lowered = note.lower()
        for word in _name_words(row_names):
            if word.lower() in lowered:  # cheap test first: the regex only where the word occurs
                note = _word_pattern(word).sub("[name]", note)
        if note.count("[name]") > 1:
            note = _REPEATED_NAME.sub("[name]", note)  # "Jane Smith": one [name]
        redacted.append(note)
    return out.scatter(at, pl.Series(redacted, dtype=pl.String)) if redacted else out


def _name_words(cells: list[str | None]) -> list[str]:
    """Words of a row's name cells long enough to be names ('Jane Smith-Jones' -> Jane, Smith-Jones,
    Smith, Jones), longest first so 'Smith-Jones' goes before 'Smith'."""
    words = set().union(*(_cell_words(cell) for cell in cells if cell))
    return sorted(words, key=len, reverse=True)


_REPEATED_NAME = re.compile(r"\[name\](?:\s+\[name\])+")


@lru_cache(maxsize=2**16)
def _word_pattern(word: str) -> re.Pattern:
    """The whole word, in any case, compiled once (re's own cache holds only 512 patterns)."""
    return re.compile(rf"(?i)\b{re.escape(word)}\b")


@lru_cache(maxsize=2**16)
def _cell_words(cell: str) -> frozenset[str]:
    """The name words of one cell (cached: the same names recur across a client's records)."""
    words = set()
    for word in re.findall(r"[A-Za-z][A-Za-z'-]+", cell):
        words.add(word)
        words.update(part for part in re.split(r"[-']", word) if len(part) > 1)
    return frozenset(words)


# Words in a header that say its column holds personal data, whatever else the header says
# ("Name of child/young person", "Parent's e-mail", "Tel. no.", "Home address line 2").
NAME_WORDS = {
    "name",
    "names",
    "forename",
    "forenames",
    "surname",
    "surnames",
    "initials",
    "firstname",
    "lastname",
    "fullname",
    "givenname",
    "familyname",
    "middlename",
}
OTHER_WORDS = {
    "email",
    "emails",
    "phone",
    "phones",
    "telephone",
    "tel",
    "mobile",
    "landline",
    "address",
    "addresses",
    "postcode",
    "postcodes",
    "zip",
    "dob",
    "nhs",
    "upn",
    "ip",
    "birth",
    "born",
}
NAME_PARTS = ("firstname", "lastname", "surname", "forename", "fullname", "givenname", "familyname")
OTHER_PARTS = (
    "email",
    "postcode",
    "dateofbirth",
    "birthdate",
    "phone",
    "mobile",
    "address",
    "telno",
    "contactnumber",
    "contactno",
    "dob",
)
# A cell shaped like a person's name: one to four capitalised words ("Jane", "Jane Smith",
# "Mary-Ann O'Neil"). Judged over a column's distinct cells, so a few repeated labels are not names.
NAME_SHAPE = (
    r"^[A-Z][a-z]+(?:['-][A-Za-z][a-z]+)*(?:\s+(?:[A-Z][a-z]*['-])?[A-Z][a-z]+(?:['-][A-Za-z][a-z]+)*){0,3}$"
)
PERSONAL_VALUES = {"email addresses": EMAIL, "phone numbers": PHONE, "postcodes": POSTCODE}
VALUES_LOOKED_AT = 2000  # distinct cells of a column judged by their content


def personal_column(header: str, values: pl.Series | None = None) -> tuple[str, bool] | None:
    """Whether a column the contract does not know holds personal data: (what gave it away,
    whether it holds names), else None. Judged by its header's wording, then by its cells."""
    words = re.findall(r"[a-z0-9]+", header.casefold())
    key = "".join(words)
    if NAME_WORDS & set(words) or any(part in key for part in NAME_PARTS):
        return "its header reads like a name", True
    if OTHER_WORDS & set(words) or any(part in key for part in OTHER_PARTS):
        return "its header reads like contact details or other personal data", False
    if values is None:
        return None
    cells = values.drop_nulls().cast(pl.String)
    if cells.is_empty():
        return None
    distinct = cells.unique().head(VALUES_LOOKED_AT)
    for what, pattern in PERSONAL_VALUES.items():
        found = int(distinct.str.contains(pattern).sum())
        if found:
            return f"{found} of its values look like {what}", False
    shaped = distinct.str.contains(NAME_SHAPE)
    full = shaped & distinct.str.contains(r"\s")  # "First Last"
    # Names are many and varied: a column of a few repeated labels ("Signposted", "Word Of Mouth")
    # is not; one-word cells need more evidence than "First Last" ones.
    share = distinct.len() / min(cells.len(), VALUES_LOOKED_AT)
    varied = distinct.len() >= min(5, max(3, cells.len())) and share >= 0.5
    if (full.mean() >= 0.5 and share >= 0.3) or (shaped.mean() >= 0.5 and varied):
        return f"{int(shaped.sum())} of its values look like people's names", True
    return None
