"""The SQL redaction and age-band macros (privacy_sql.py) give what privacy.redact and privacy.age_band
give: on the examples of tests/test_privacy.py, and row by row on generated notes and dates. Where
RE2 cannot see words as Python does (beside letters outside ASCII), SQL redacts more, never less."""

import random
import re
from datetime import date, timedelta

import polars as pl
import pytest

from sendiass_lib import db, privacy, privacy_sql, sql_regex
from tests import test_privacy
from tests.conftest import parametrized

NAMES = ("parent", "child")


def through_sql(macros, frame: pl.DataFrame, value: str) -> list:
    """`value` (SQL over the frame's columns) for each row, in order."""
    db.register(macros, "rows", frame.with_row_index("i"))
    try:
        return [v for (v,) in macros.execute(f"SELECT {value} FROM rows ORDER BY i").fetchall()]
    finally:
        macros.unregister("rows")


def redacted(macros, notes: list[str | None], names: list[tuple[str | None, str | None]] | None = None):
    """(privacy.redact, the SQL macro) for each note, with its row's names if given."""
    frame = pl.DataFrame({"note": notes}, schema={"note": pl.String})
    if names is None:
        return privacy.redact(frame["note"]).to_list(), through_sql(macros, frame, "redact(note)")
    cells = pl.DataFrame(names, schema=dict.fromkeys(NAMES, pl.String), orient="row")
    python = privacy.redact(frame["note"], [cells[n] for n in NAMES]).to_list()
    return python, through_sql(
        macros, pl.concat([frame, cells], how="horizontal"), "redact_names(note, [parent, child])"
    )


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        *parametrized(test_privacy.test_age_band_is_age_in_whole_years_on_the_opening_day),
        (None, date(2024, 6, 1), None),
        (date(2015, 3, 14), None, None),
    ],
)
def test_age_band_is_age_in_whole_years_on_the_opening_day(macros, born, on, band):
    assert macros.execute("SELECT age_band(?::DATE, ?::DATE)", [born, on]).fetchall() == [(band,)]


def test_age_band_macro_gives_what_privacy_age_band_gives_for_every_pair(macros):
    rng = random.Random(5)
    days = [date(1890, 1, 1) + timedelta(days=rng.randrange(60_000)) for _ in range(3000)]
    days += [date(y, 2, 29) for y in (1996, 2000, 2004, 2008, 2012, 2016, 2020, 2024)] + [None]
    ons = [date(y, m, d) for y in (2000, 2023, 2024) for m, d in ((2, 28), (3, 1), (12, 31))]
    ons += [date(2000, 2, 29), date(2024, 2, 29)]
    frame = pl.DataFrame(
        {
            "born": [rng.choice(days) for _ in range(5000)],
            "on": [rng.choice([*ons, *days]) for _ in range(5000)],
        },
        schema={"born": pl.Date, "on": pl.Date},
    )
    expected = frame.select(privacy.age_band(pl.col("born"), pl.col("on"))).to_series().to_list()
    assert through_sql(macros, frame, 'age_band(born, "on")') == expected
    assert len(set(expected)) == len(privacy.age_bands()) + 2  # every band, Unknown and null


def test_redaction_replaces_contacts_and_the_rows_own_names_only(macros):
    notes = [
        "Jane Smith-Jones (mum) on 07700 900123, +44 1905 123456, jane.s@example.org, WR1 2AB.",
        "Spoke to Smith's school about Jane's EHCP",
        "Mr Patel called; not Jane",
        "Jane Smithson says Kai needs help; call 07700 900123",
        None,
    ]
    names = [
        ("Jane Smith-Jones", None),
        ("Pat Smith", None),
        ("Raj Patel", None),
        ("Jane Smithson", "Kai"),
        ("A", "B"),
    ]
    python, sql = redacted(macros, notes, names)
    assert (
        sql
        == python
        == [
            "[name] (mum) on [phone], [phone], [email], [postcode].",
            "Spoke to [name]'s school about Jane's EHCP",
            "Mr [name] called; not Jane",
            "[name] says [name] needs help; call [phone]",
            None,
        ]
    )


FIRST = [
    "Jane",
    "Pat",
    "Raj",
    "Mary-Ann",
    "Jo",
    "Kai",
    "Ann",
    "Bob",
    "Ava",
    "D'Arcy",
    "Anne-Marie",
    "Al",
    "Sam",
]
LAST = ["Smith-Jones", "Smith", "Patel", "O'Neil", "Ng", "Smithson", "Ffrench", "Jones'", "de la Cruz"]
LAST += ["al-Amin", "Smith-", "Lee", "Ann-Smith", "Mc Kay"]
CONTACTS = ["jane.s@example.org", "a+b@x.co.uk", "bad@x", "x@y.zz", "07700 900123", "+44 1905 123456"]
CONTACTS += ["(01432) 260000", "0800 123 4567", "+44 (0) 7700 900123", "01905-123456", "0770090012", "12345"]
CONTACTS += [
    "WR1 2AB",
    "wr12ab",
    "B1 1AA",
    "SW1A 1AA",
    "HR4 9XX",
    "WR1 2ABC",
    "XWR1 2AB",
    "M1 1AE",
    "WR1  2AB",
]
OTHER = [
    "called",
    "about",
    "school",
    "EHCP",
    "the",
    "Janet",
    "Smithy",
    "smithsons",
    "and",
    "re:",
    "n/a",
    "[name]",
]
GLUE = [" ", ", ", "; ", " - ", "\n", "  ", "/", "", " (", ") ", "-", "'", ". "]


def name_cell(rng: random.Random) -> str | None:
    cell = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    shapes = [cell, cell.upper(), cell.lower(), f"Dr. {cell}", f" {cell}  ", rng.choice(FIRST), None, ""]
    shapes += [f"'{cell}", f"-{cell}-", f"{cell} & Jo-"]
    return rng.choice(shapes)


def note_text(rng: random.Random, cells: tuple[str | None, str | None]) -> str:
    """Text mentioning the row's names (in any case, with any punctuation), others' names, contacts."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join(c for c in cells if c)) or ["Nobody"]
    pieces = []
    for _ in range(rng.randint(2, 10)):
        kind = rng.random()
        if kind < 0.45:
            word = rng.choice(words)
            word = rng.choice([word, word.upper(), word.lower(), word.title()])
            word = (
                rng.choice(["", "(", "Mr ", "-", "'", "x"])
                + word
                + rng.choice(["", "'s", "s", ",", ".", ")", "-", "'", "_x", "2", "-Smith", "-Jo"])
            )
        elif kind < 0.6:
            word = rng.choice(FIRST + LAST)
        elif kind < 0.8:
            word = rng.choice(CONTACTS)
        else:
            word = rng.choice(OTHER)
        pieces.append(word)
    return "".join(p + rng.choice(GLUE) for p in pieces).strip()


def notes_corpus(seed: int, count: int) -> tuple[list[str | None], list[tuple[str | None, str | None]]]:
    rng = random.Random(seed)
    names = [(name_cell(rng), name_cell(rng)) for _ in range(count)]
    return [note_text(rng, cells) if rng.random() < 0.95 else None for cells in names], names


def test_redact_macro_gives_what_privacy_redact_gives_row_by_row(macros):
    notes, _ = notes_corpus(23, 2000)
    python, sql = redacted(macros, notes)
    wrong = [(n, p, s) for n, p, s in zip(notes, python, sql, strict=True) if p != s]
    assert not wrong, f"{len(wrong)} notes differ (note, Python, SQL), e.g. {wrong[:5]}"
    for kind in ("[email]", "[phone]", "[postcode]"):
        assert sum(kind in s for s in sql if s) > 200


def test_redact_names_macro_gives_what_privacy_redact_gives_row_by_row(macros):
    notes, names = notes_corpus(29, 3000)
    python, sql = redacted(macros, notes, names)
    wrong = [(n, c, p, s) for n, c, p, s in zip(notes, names, python, sql, strict=True) if p != s]
    assert not wrong, f"{len(wrong)} notes differ (note, names, Python, SQL), e.g. {wrong[:5]}"
    assert sum(s.count("[name]") for s in sql if s) > 2000


KEPT = re.compile(r"\[(?:name|email|phone|postcode)\]")


def is_subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(char in rest for char in short)


def test_beside_letters_outside_ascii_sql_redacts_at_least_what_python_does(macros):
    # Python's \b (and polars') sees a word boundary only between a letter or digit of any script and
    # anything else; RE2's only beside ASCII ones, so SQL finds boundaries Python does not ('Zoë': the
    # name word 'Zo' is redacted; a postcode right after 'é' too). Everything Python redacts, SQL does:
    # what SQL keeps of a note is a part of what Python keeps.
    notes, names = notes_corpus(31, 2000)
    rng = random.Random(37)
    # accented letters, dotted and dotless i, long s, Kelvin sign, Unicode spaces, a digit, ...
    odd = list("\u00e9\u00eb\u0130\u0131\u017f\u212a\u00a0\u2003\u0663\u00df\u03a9\u2019\u0301")
    for i, note in enumerate(notes):
        if note:
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(note) + 1)
                note = note[:at] + rng.choice(odd) + note[at:]
            notes[i] = note
    for cells in (None, names):
        python, sql = redacted(macros, notes, cells)
        less = [
            (n, p, s)
            for n, p, s in zip(notes, python, sql, strict=True)
            if s and not is_subsequence(KEPT.sub("", s), KEPT.sub("", p))
        ]
        assert not less, f"SQL keeps what Python redacts (note, Python, SQL): {less[:5]}"
        assert sum(p != s for p, s in zip(python, sql, strict=True)) > 10  # such notes are there


@pytest.mark.parametrize(
    ("note", "cell", "python", "sql"),
    [
        # RE2's \b: a boundary beside a letter or digit outside ASCII, where Python sees none
        ("Zoë came; Zo too", "Zoë Brontë", "Zoë came; [name] too", "[name]ë came; [name] too"),
        ("at éWR1 2AB", None, "at éWR1 2AB", "at é[postcode]"),
        ("Annë and Ann\u0663", "Ann", "Annë and Ann\u0663", "[name]ë and [name]\u0663"),
        # Python's quick test lowercases 'JİM' to 'ji̇m' (a combining dot after the i): no 'jim' in it
        ("J\u0130M came", "Jim", "J\u0130M came", "[name] came"),
        # Python's 'name' (from the cell) is found again in the '[name]' it put for 'Unknown'
        ("Unknown, name given", "Name Unknown", "[[name]], [name] given", "[name], [name] given"),
    ],
)
def test_where_sql_differs_from_python_it_redacts_more(macros, note, cell, python, sql):
    assert redacted(macros, [note], [(cell, None)]) == ([python], [sql])


def test_noncharacters_in_a_note_become_the_replacement_character_and_hide_no_name(macros):
    # U+FDD0-U+FDD4 are SQL's marks; 'Jo' in 'Jo<U+FDD3>x' is still a word of its own.
    note = "Jo\ufdd1\ufdd0 Jo\ufdd3x"
    python = "[name]\ufdd1\ufdd0 [name]\ufdd3x"
    assert redacted(macros, [note], [("Jo", None)]) == ([python], ["[name]\ufffd\ufffd [name]\ufffdx"])


@pytest.mark.parametrize(
    ("note", "cell", "expected"),
    [
        ("\u212aT1 2AB and \u212aate", "Kate", "[postcode] and [name]"),  # Kelvin sign: a K to re
        # IGNORECASE matches i to dotted and dotless i, s to long s (once the name is in the note as such)
        ("J\u0130M, J\u0131m, \u017fAM and jim, Sam", "Jim Sam", "[name], [name], [name] and [name], [name]"),
        ("call 07700\u00a0900123 or 07700 ٩٠٠١٢٣", None, "call [phone] or [phone]"),  # Unicode space, digits
        ("Jane\x1cSmith\u2003Jones", "Jane Smith Jones", "[name]"),  # '[name] [name]' is one, any space
        (
            "Smith-Smith-Smith-x, Smith-Smith-y, Smith- x",
            "Smith-",
            "[name][name][name]x, [name][name]y, [name]- x",
        ),
        ("Smith-Bartholomew", "Smith- Bartholomew", "[name]-[name]"),  # '-' then '[name]': no boundary
        ("Mary-Ann O'Neil's son", "Mary-Ann O'Neil", "[name]'s son"),
    ],
)
def test_letters_spaces_and_digits_outside_ascii_redact_as_in_python(macros, note, cell, expected):
    assert redacted(macros, [note], [(cell, None)]) == ([expected], [expected])


def test_sql_word_characters_are_python_ones_and_take_in_the_letters_ignorecase_makes_ascii(macros):
    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF]
    frame = pl.DataFrame({"c": chars})
    db.register(macros, "chars", frame)
    try:

        def matching(pattern: str) -> set[str]:
            sql = "SELECT c FROM chars WHERE regexp_full_match(c, ?)"
            return {c for (c,) in macros.execute(sql, [pattern]).fetchall()}

        words, space = (
            matching(privacy_sql._WORD.split("|")[0].rstrip("+")),
            matching(f"[{sql_regex.PYTHON_SPACE}]"),
        )
    finally:
        macros.unregister("chars")
    assert all(re.fullmatch(r"\w", c) for c in words)  # so SQL cuts words where Python does, or more
    assert {c for c in chars if re.fullmatch(r"(?i)[a-z]", c)} <= words
    assert space == {c for c in chars if re.fullmatch(r"\s", c)}
