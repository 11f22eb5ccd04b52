"""The invented personal columns of the scale sample's involvements (sample.scale): client ids,
names, dates of birth, contacts and notes that mention them, as a real export carries them.
"""

from __future__ import annotations

import string

import numpy as np
import polars as pl

from . import _targets
from .involvements import NOTES

NOTE_SHARE, REPEAT_SHARE = 0.12, 0.10  # rows with a note; rows of a client already in touch that year
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def personal_columns(
    rng: np.random.Generator, slug: str, opened: np.ndarray, year: np.ndarray
) -> list[pl.Series]:
    """The personal columns, all invented (example.org emails, Ofcom's drama numbers 07700 900xxx,
    postcodes in the non-existent area ZZ): a client per row, one row in ten a client already in
    touch that year; a note on NOTE_SHARE of rows that mentions the client, as real notes do."""
    n = opened.size
    people = _targets("fake_people")
    first_names, surnames = people["first_names"], people["surnames"]
    starts = np.flatnonzero(np.r_[True, year[1:] != year[:-1]])  # first row of each year
    new = rng.random(n) >= REPEAT_SHARE
    new[starts] = True
    cumulative = np.cumsum(new)
    before_year = np.repeat(cumulative[starts] - 1, np.diff(np.r_[starts, n]))
    in_year = cumulative - before_year  # clients of the year so far, this row's included
    local = np.where(new, in_year - 1, (rng.random(n) * in_year).astype(np.int64))
    client = before_year + local  # index into the clients, which are the new rows in order

    k = int(new.sum())
    first_opened = opened[new]
    age = 1 + (rng.random(k) * 24).astype(np.int64)
    dob = first_opened - (age * 365 + (rng.random(k) * 360).astype(np.int64)).astype("timedelta64[D]")
    parent = rng.integers(0, len(first_names), k)
    child = rng.integers(0, len(first_names), k)
    surname = rng.integers(0, len(surnames), k)
    letters = rng.integers(0, len(POSTCODE_LETTERS), (k, 2))
    clients = pl.DataFrame(
        {
            "__year": year[new] % 100,
            "__number": local[new] + 1,
            "__first": pl.Series(first_names).gather(parent),
            "__surname": pl.Series(surnames).gather(surname),
            "__child": pl.Series(first_names).gather(child),
            "DOB": dob,
            "__phone": rng.integers(0, 1000, k),
            "__district": rng.integers(1, 10, k),
            "__sector": rng.integers(0, 9, k),
            "__l1": pl.Series(list(POSTCODE_LETTERS)).gather(letters[:, 0]),
            "__l2": pl.Series(list(POSTCODE_LETTERS)).gather(letters[:, 1]),
        }
    ).with_columns(
        pl.format(
            "C{}{}{}",
            pl.lit(slug.upper()),
            pl.col("__year").cast(pl.String).str.zfill(2),
            pl.col("__number").cast(pl.String).str.zfill(5),
        ).alias("Client ID"),
        pl.format("{} {}", "__first", "__surname").alias("Parent/Carer Name"),
        pl.format("{} {}", "__child", "__surname").alias("Child Name"),
        pl.col("DOB").cast(pl.Date),
        pl.format("{}.{}@example.org", "__first", "__surname").str.to_lowercase().alias("Email"),
        pl.format("07700 900{}", pl.col("__phone").cast(pl.String).str.zfill(3)).alias("Phone"),
        pl.format("ZZ{} {}{}{}", "__district", "__sector", "__l1", "__l2").alias("Postcode"),
    )
    rows = clients[client]
    template = rng.integers(0, len(NOTES), n)
    noted = rng.random(n) < NOTE_SHARE
    fields = {
        "parent": pl.col("Parent/Carer Name"),
        "child": pl.col("__child"),
        "phone": pl.col("Phone"),
        "email": pl.col("Email"),
        "postcode": pl.col("Postcode"),
        "age": ((pl.col("__opened") - pl.col("DOB")).dt.total_days() // 365).cast(pl.String),
    }
    note = pl.lit(None, pl.String)
    for i, text in reversed(list(enumerate(NOTES))):
        parts = list(string.Formatter().parse(text))
        pattern = "".join(literal + ("{}" if name else "") for literal, name, _, _ in parts)
        values = [fields[name] for _, name, _, _ in parts if name]
        note = pl.when(pl.col("__template") == i).then(pl.format(pattern, *values)).otherwise(note)
    notes = (
        rows.with_columns(__opened=pl.Series(opened).cast(pl.Date), __template=template, __noted=noted)
        .select(pl.when("__noted").then(note).alias("Notes"))
        .to_series()
    )
    return [
        *(
            rows[c]
            for c in ("Client ID", "Parent/Carer Name", "Child Name", "DOB", "Email", "Phone", "Postcode")
        ),
        notes,
    ]
