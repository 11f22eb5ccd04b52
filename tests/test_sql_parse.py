"""The SQL parsing macros (ingest/sql_parse.py) give what the polars parsers (ingest/parse.py) and
labels.label_key give: on the examples their own tests use, and row by row on a generated corpus."""

import random

import polars as pl
import pytest

from sendiass_lib import db, labels, sql_regex
from sendiass_lib.ingest import parse
from tests import test_parse
from tests.conftest import parametrized

PARSERS = {  # macro -> the polars parser it stands for
    "parse_date": parse.parse_date,
    "parse_month": parse.parse_month,
    "parse_level": parse.parse_level,
    "parse_count": parse.parse_count,
    "parse_number": parse.parse_number,
    "parse_year": parse.parse_year,
    "label_key": labels.label_key_expr,
}
RAISES = "raises"
DATED = {"parse_date", "parse_month"}  # compared as day numbers (polars and DuckDB have a year 0)


def through_sql(macros, macro: str, texts: list[str | None]) -> list:
    """The macro's value for each text, in order (a date as days since 1970-01-01)."""
    frame = pl.DataFrame({"i": range(len(texts)), "t": texts}, schema={"i": pl.Int64, "t": pl.String})
    value = f"{macro}(t) - DATE '1970-01-01'" if macro in DATED else f"{macro}(t)"
    db.register(macros, "cells", frame)
    try:
        return [v for (v,) in macros.execute(f"SELECT {value} FROM cells ORDER BY i").fetchall()]
    finally:
        macros.unregister("cells")


def through_polars(macro: str, texts: list[str | None]) -> list:
    """The polars parser's value for each text, or RAISES where it raises (on any text of a column it
    raises for the whole column: the halves are tried until the texts it raises on are found)."""
    try:
        parsed = pl.select(PARSERS[macro](pl.lit(pl.Series(texts, dtype=pl.String)))).to_series()
    except pl.exceptions.InvalidOperationError:
        if len(texts) == 1:
            return [RAISES]
        half = len(texts) // 2
        return through_polars(macro, texts[:half]) + through_polars(macro, texts[half:])
    return (parsed.cast(pl.Int32) if macro in DATED else parsed).to_list()


def one(macros, macro: str, text: str | None):
    return macros.execute(f"SELECT {macro}(?::VARCHAR)", [text]).fetchall()[0][0]


# The examples of tests/test_parse.py (trimmed: the macros take trimmed text), and below those of
# test_figures.py and test_sen_taxonomy.py, with their answers.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (t.strip(), d)
        for t, d in parametrized(test_parse.test_dates_parse_day_first_or_iso_and_impossible_dates_do_not)
    ]
    + [(None, None)],
)
def test_dates_parse_day_first_or_iso_and_impossible_dates_do_not(macros, text, expected):
    assert one(macros, "parse_date", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), parametrized(test_parse.test_intervention_level_accepts_number_or_level_n_only)
)
def test_intervention_level_accepts_number_or_level_n_only(macros, text, expected):
    assert one(macros, "parse_level", text) == expected


def test_years_and_numbers_parse_as_documented(macros):
    years = ["2021", "2021/22", "2021-22", "2021/2022", "2021 - 2022", "2021/23", "21/22", "x"]
    assert through_sql(macros, "parse_year", years) == [2021] * 5 + [None] * 3
    numbers = ["108734", "108,734", "£108,734", "0.85", "-1,200.50", "0.4 FTE", "tbc", "-"]
    assert through_sql(macros, "parse_number", numbers) == [
        108734,
        108734,
        108734,
        0.85,
        -1200.5,
        None,
        None,
        None,
    ]


def test_months_parse_as_documented(macros):
    months = ["Jan-24", "Jan 2024", "January 2024", "Sept 2024", "2024-01", "01/2024", "05/01/2024"]
    assert (
        through_sql(macros, "parse_month", months) == [19723] * 3 + [19967] + [19723] * 3
    )  # 1 Jan, 1 Sep 2024
    assert through_sql(macros, "parse_month", ["2024-13", "13/2024", "Jan", "Smarch 2024"]) == [None] * 4


def test_commas_and_full_stops_do_not_change_a_label_key(macros):
    assert one(macros, "label_key", "Social, emotional and mental health") == one(
        macros, "label_key", "Social emotional and mental health"
    )
    assert one(macros, "label_key", "Speech,language, and communication.") == one(
        macros, "label_key", "speech language and communication"
    )
    raw = ["Social,  Emotional,and Mental Health.", "Ed Psych / Advisor teacher"]
    assert through_sql(macros, "label_key", raw) == [labels.label_key(text) for text in raw]


def listed(text: str) -> list[str]:
    """'a|b c' -> ['a', 'b c']: cells written in a line."""
    return text.split("|")


def cells() -> list[str | None]:
    """A few thousand cells, the same each run: every shape the parsers accept, and near misses."""
    rng = random.Random(17)
    years = listed("0000|0024|1899|1900|1954|1999|2000|2023|2024|2100|9999")
    months = listed("0|00|1|01|2|02|4|04|9|12|13")
    days = listed("0|00|1|01|9|09|10|28|29|30|31|32")

    def sep() -> str:
        return rng.choice("/.-")

    dates = [f"{y}-{m}-{d}" for y in years for m in months for d in rng.sample(days, 3)]
    dates += [f"{d}{sep()}{m}{sep()}{y}" for y in years for m in months for d in rng.sample(days, 3)]
    dates += [f"{rng.choice(days)}/{rng.choice(months)}/{y:02d}" for y in range(100) for _ in range(2)]
    dates += [f"29{sep()}02{sep()}{y:02d}" for y in range(100)] + [f"29/2/{y}" for y in years]
    dates += [f"{y}-02-29" for y in years] + listed("19999|20000|45296|45296.0|45296.00|45296.5|79999")
    dates += listed("80000|4529|452960|45296.|045296|2024/01/05|2024-01-05x|+2024-01-05|05/01/2024/")
    dates += [*listed("05//01/2024|1-1-1|05 01 2024|2024-01|January 5th|5th Jan 2024|x|"), None]
    times = listed("| 00:00:00|T10:30| 9:05| 10:00:00.123| 25:99|  10:00| 10:0| 10:00:0|T1:00:00|t10:00")
    times += listed("| 10:00:00.| 10:00am| 10:00 10:00|\u00a010:00| \u0660\u0669:\u0663\u0660")
    dates += [rng.choice(dates[:-3]) + t for t in times for _ in range(6)] + [f"45296{t}" for t in times]

    names = "january february march april may june july august september sept october november december"
    names = [n for m in names.split() for n in (m[:3], m, m.upper(), m.title())]
    gaps = [" ", "-", "/", " - ", "\u00a0", "  ", "\t", " / ", "", "."]
    ends = ["24", "2024", "0024", "124", "00", "99", "69", "70", "0000", "\u0662\u0664", "24x"]
    months_ = [f"{rng.choice(names)}{rng.choice(gaps)}{rng.choice(ends)}" for _ in range(400)]
    months_ += listed(
        "Janu 24|Jam 24|Mayday 24|Sep.|Sept. 2024|Jan|24|1 Jan 2024|APR\u0130L 2024|\u212aan 24"
    )
    months_ += listed("\u017fep 24|2024-1|2024-01|2024-13|2024-0|2024-00|13/2024|1/2024|01/2024|00/2024")
    months_ += listed("0000-01|2024-001|2024/01|1-2024|9999-12|0100-01")

    levels = listed("1|2|3|4|5|0|Level 1|level  3|LEVEL4|level\u00a02|Level 2.0|Level 2.00|Level 2.|2.00|L2")
    levels += listed("Level 2a|level|Lvl 2|02|level\t4|levels 1|level \u0662|1.5|Level\u20032|\u0130evel 2")

    numbers = listed("108734|108,734|£108,734|-£1,200.50|£-5|--5|0.85|.5|5.|1e5|0.4 FTE|tbc|-|,|1,2,3|007")
    numbers += listed("1.000|1.0|1.5|-0|9007199254740993|\u0663|0.1000000000000000055511151231257827|£|-£")
    numbers += listed("££5|+5|1 000|1_000|0x10|NaN|inf|-inf|1.0e3|3.14159265358979323846264338")
    numbers += ["1" * 25, "1" * 300]
    for _ in range(300):
        value = rng.uniform(-1e7, 1e7) * rng.choice([1, 1e-6, 1e6])
        text = f"{value:,.{rng.randint(0, 12)}f}" if rng.random() < 0.5 else repr(value)
        sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
        numbers.append(sign + rng.choice(["", "£"]) + text)

    years_ = listed(
        "21/22|2021/\u0662\u0662|20\u0662\u0661|2021/2|2021/222|2021/|2021//22|2021/22/23|2021 22"
    )
    for start in (1899, 1900, 1901, 1999, 2000, 2021, 2099, 2100):
        years_.append(str(start))
        for gap in ("/", "-", " / ", " - ", "\u00a0/\u00a0", "  -", "/ ", "\\", " "):
            for end in (start + 1, start, start + 2, start - 1):
                years_ += [
                    f"{start}{gap}{end % 100:02d}",
                    f"{start}{gap}{end}",
                    f"{start}{gap}{end % 100:04d}",
                ]

    spellings = [
        str(spelling)
        for name in labels.taxonomy_names()
        for entry in labels._taxonomy_file(name)["lists"]
        for item in entry["labels"]
        for spelling in (item["label"], *item.get("aliases", ()))
    ]
    variants = [str.upper, str.lower, str.swapcase, lambda s: s.replace(" ", "  "), lambda s: s + "."]
    variants += [lambda s: s.replace(" ", "\u00a0"), lambda s: s.replace("/", " / ").replace("-", " - ")]
    variants += [lambda s: s.replace(" ", ", "), lambda s: f" {s}\t", lambda s: s.replace("&", " & ")]
    keys = [rng.choice(variants)(s) for s in spellings] + spellings
    alphabet = "aB /-&,.\u00a0\t\u3000\u0130\u0131\u017f\u212a\u00c9\u00e9\u00df\u1e9e\u01c4\u03a9'"
    keys += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    return dates + months_ + levels + numbers + years_ + keys


def corpus() -> list[str | None]:
    """The cells trimmed, as the macros take them (and the polars parsers' strip_chars() leaves them)."""
    return pl.Series(cells(), dtype=pl.String).str.strip_chars().to_list()


@pytest.mark.parametrize("macro", sorted(PARSERS))
def test_each_macro_gives_what_its_polars_parser_gives_row_by_row(macros, macro):
    texts = corpus()
    assert len(texts) > 3000
    expected, got = through_polars(macro, texts), through_sql(macros, macro, texts)
    # Where polars raises (it casts Unicode digits it matched, and digit runs too long for 64 bits,
    # without strict=False), SQL has nothing to parse either.
    expected = [None if e == RAISES else e for e in expected]
    wrong = [(t, e, g) for t, e, g in zip(texts, expected, got, strict=True) if e != g]
    assert not wrong, f"{len(wrong)} cells differ (text, polars, SQL), e.g. {wrong[:10]}"
    assert sum(v is not None for v in got) >= 10  # the corpus has values it parses


def test_label_key_macro_gives_what_labels_label_key_gives(macros):
    texts = [t for t in corpus() if t is not None]
    assert through_sql(macros, "label_key", texts) == [labels.label_key(t) for t in texts]


@pytest.mark.parametrize(
    ("macro", "text"),
    [
        ("parse_date", "\u0664\u0665\u0662\u0669\u0666"),  # Arabic-Indic digits: matched, not cast
        ("parse_date", "123456789012345678901"),  # too long for a 64-bit number
        ("parse_month", "\u0662\u0660\u0662\u0664-01"),
        ("parse_number", "1" * 400),  # polars: inf
        ("parse_number", "-" + "9" * 400),  # polars: -inf
    ],
)
def test_what_polars_raises_on_or_makes_infinite_is_null_in_sql(macros, macro, text):
    assert through_polars(macro, [text])[0] in (RAISES, float("inf"), float("-inf"))
    assert one(macros, macro, text) is None and through_sql(macros, macro, [text]) == [None]


def test_a_capital_sigma_ending_a_word_keys_as_sigma_not_final_sigma(macros):
    # The one lowercasing difference (besides letters newer than DuckDB's Unicode tables): polars and
    # Python lowercase a capital sigma ending a word to the final sigma, DuckDB to the plain one.
    word = "\u039f\u0394\u039f\u03a3"
    assert one(macros, "label_key", word) == "\u03bf\u03b4\u03bf\u03c3"
    assert (
        labels.label_key(word)
        == labels.label_key_expr(pl.lit(word)).pipe(pl.select).item()
        == "\u03bf\u03b4\u03bf\u03c2"
    )


def test_trim_by_space_chars_trims_as_polars_strip_chars(macros):
    texts = [t for t in cells() if t is not None]
    trimmed = macros.execute("SELECT list_transform(?, lambda t: trim(t, ?))", [texts, sql_regex.SPACE_CHARS])
    assert trimmed.fetchall()[0][0] == pl.Series(texts).str.strip_chars().to_list()


def test_sql_classes_are_polars_digits_and_white_space_for_every_character(macros):
    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF]
    frame = pl.DataFrame({"c": chars})
    db.register(macros, "chars", frame)
    try:
        for polars_class, sql_class in ((r"\d", sql_regex.DIGIT), (r"\s", sql_regex.SPACE)):
            expected = set(frame.filter(pl.col("c").str.contains(f"^{polars_class}$"))["c"])
            got = {
                c
                for (c,) in macros.execute(
                    f"SELECT c FROM chars WHERE regexp_full_match(c, '[{sql_class}]')"
                ).fetchall()
            }
            assert got == expected, polars_class
    finally:
        macros.unregister("chars")
    assert set(sql_regex.SPACE_CHARS) == {c for c in chars if c.strip() == "" and c not in "\x1c\x1d\x1e\x1f"}
