"""The reject rules: what makes a row fail, and which reason wins when several apply.

Each rule is a SQL condition over the working view ingest.validate builds, with the detail a user
is shown; a row gets the first reason in REASONS order that applies. docs/data-contract.md states
the rules in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .contract import Contract
from .raw_extract import ROW
from .sql_text import ident, lit

# Reason codes, in precedence order: a row gets the first that applies.
REASONS = (
    "total_row",  # a "Total"/"Grand Total" footer, wherever it is in the file
    "wrong_field_count",  # more cells than the header has (a stray separator): columns unknowable
    "missing_required",  # a required column is empty
    "bad_date",  # a date, month or year cell that is not one (or is impossible: 31/02/2024)
    "bad_level",  # an intervention level other than blank, 1-4 or "Level 1"-"Level 4"
    "bad_number",  # a count that is not a whole number of 0 or more, or a number cell that is not one
    "bad_rating",  # an answer off the service's evaluation scale (blank is "not answered")
    "future_date",  # opened after the day of the load
    "date_order",  # first response or closure before the opening date, or a birth after it
    "conflicting_duplicate",  # the same id on rows that differ: every copy is rejected
    "duplicate",  # a row identical to an earlier one in every column: the first copy loads
)


@dataclass(frozen=True)
class Rule:
    """One reason: when a row fails it (SQL condition) and what the user is told (SQL text)."""

    reason: str
    failed: str
    detail: str


def first_applying(cases: list[tuple[str, str]]) -> str:
    """SQL for the value of the first (condition, value) pair whose condition holds, else NULL:
    how a row gets one reason, and one detail, when several apply."""
    if not cases:
        return "CAST(NULL AS VARCHAR)"
    return "CASE " + " ".join(f"WHEN {c} THEN {v}" for c, v in cases) + " END"


# The macros (ingest.sql_parse) that type a contract column of each type; other columns stay text.
PARSERS = {
    "date": "parse_date",
    "birth_date": "parse_date",
    "month": "parse_month",
    "level": "parse_level",
    "count": "parse_count",
    "number": "parse_number",
    "year": "parse_year",
}


def text(name: str) -> str:
    """The working table's column holding a contract column's (or question's) cell as written."""
    return ident(f"{name}__text")


def value(contract: Contract, name: str) -> str:
    """The working table's column holding a contract column's value: parsed, or its text."""
    parsed = any(c.name == name and c.type in PARSERS for c in contract.columns)
    return ident(name) if parsed else text(name)


def rules(
    contract: Contract,
    header_of: dict[str, str],
    today: date,
    questions: list[str],
    scale: tuple[int, int],
) -> list[Rule]:
    """The rules in REASONS order, as SQL over the working view validate() builds:
    <column>__text (the cell), <column> (parsed), __total, __extra, __first_copy, __versions,
    __copies and ROW."""
    columns = contract.columns
    personal = {c.name for c in columns if c.personal}

    def quoted(name: str) -> str:
        """'Date Opened: '31/02/2024'', or for a personal column its header alone."""
        if name in personal:
            return lit(f"{header_of[name]}: (value withheld: personal data)")
        return f"{lit(header_of[name] + ': ' + chr(39))} || {text(name)} || ''''"

    def first_failing(reason: str, failing: list[tuple[str, str]]) -> Rule:
        failed = " OR ".join(f"({f})" for f, _ in failing) if failing else "false"
        return Rule(reason, failed, first_applying(failing))

    missing = [
        (f"{text(c.name)} IS NULL", lit(f"{header_of[c.name]} is empty")) for c in columns if c.required
    ]
    if one_of := contract.required_one_of:
        names = " and ".join(header_of[name] for name in one_of)
        missing.append(
            (
                " AND ".join(f"{text(name)} IS NULL" for name in one_of),
                lit(f"{names} are both empty" if len(one_of) == 2 else f"{names} are all empty"),
            )
        )

    def unparsed(*types: str) -> list[tuple[str, str]]:
        """Cells of these column types that hold text which did not parse."""
        return [
            (f"{text(c.name)} IS NOT NULL AND {ident(c.name)} IS NULL", quoted(c.name))
            for c in columns
            if c.type in types
        ]

    low, high = scale
    bad_ratings = [
        (
            f"{text(q)} IS NOT NULL AND NOT coalesce({ident(q)} BETWEEN {low} AND {high}, false)",
            f"{quoted(q)} || {lit(f' (scale {low}-{high})')}",
        )
        for q in questions
    ]
    start = contract.start_date
    order = [
        (f"{ident(c.name)} < {ident(start)}", lit(f"{header_of[c.name]} before {header_of[start]}"))
        for c in columns
        if start and c.type == "date" and c.name != start
    ] + [
        (f"{ident(c.name)} > {ident(start)}", lit(f"{header_of[c.name]} after {header_of[start]}"))
        for c in columns
        if start and c.type == "birth_date"
    ]
    future = (
        Rule(
            "future_date",
            f"{ident(start)} > {lit(today)}",
            f"{quoted(start)} || {lit(f' is after the load date {today}')}",
        )
        if start
        else Rule("future_date", "false", "CAST(NULL AS VARCHAR)")
    )
    key_text = f"concat_ws(' / ', {', '.join(text(k) for k in contract.natural_key)})"
    checks = [
        Rule("total_row", "__total", lit("footer row")),
        Rule(
            "wrong_field_count",
            "__extra > 0",
            "CAST(__extra AS VARCHAR) || ' more cell(s) than the header has'",
        ),
        first_failing("missing_required", missing),
        first_failing("bad_date", unparsed("date", "birth_date", "month", "year")),
        first_failing("bad_level", unparsed("level")),
        first_failing("bad_number", unparsed("count", "number")),
        first_failing("bad_rating", bad_ratings),
        future,
        first_failing("date_order", order),
        Rule(
            "conflicting_duplicate",
            "__versions > 1",
            f"CAST(__copies AS VARCHAR) || ' rows share id ''' || {key_text} || ''' but differ'",
        ),
        Rule("duplicate", f"__first_copy <> {ROW}", "'same as row ' || CAST(__first_copy AS VARCHAR)"),
    ]
    assert tuple(rule.reason for rule in checks) == REASONS
    return checks
