"""Writing SQL text safely: literals and identifiers from values a file or a person supplied."""

from __future__ import annotations

from datetime import date


def lit(value: str | int | date | None) -> str:
    """A SQL literal: text with its quotes doubled (a header may hold any character), a whole
    number, a DATE, or NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted identifier (a column named after a contract column or question)."""
    return '"' + name.replace('"', '""') + '"'


def by_file(file_column: str, values: dict[int, str]) -> str:
    """SQL for a row's value from the number of the staged file it came from (file_column), given
    each file's value as SQL (staging.stage_many numbers them); the value itself when all agree."""
    if len(set(values.values())) == 1:
        return next(iter(values.values()))
    return f"CASE {file_column} {' '.join(f'WHEN {at} THEN {v}' for at, v in values.items())} END"
