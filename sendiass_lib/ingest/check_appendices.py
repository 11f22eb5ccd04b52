"""Which appendices a checked file would feed, and why the others would have nothing from it."""

from __future__ import annotations

from .check_headers import column_named
from .check_result import AppendixRow, CheckResult
from .contract import Contract, base_contract, kinds


def appendix_rows(spec: Contract, result: CheckResult) -> list[AppendixRow]:
    """Which appendices this file would feed, and why the others would have nothing from it.

    What each appendix needs is its notebook's own `requires` metadata (publish.Appendix), the
    same data availability.has_data decides page building by: label fields of the involvements,
    or rows of a table (the involvements, when it names none)."""
    from ..availability import appendices

    tables = {base_contract(k).table: k for k in kinds()}
    with_labels = {r.field for r in result.labels}
    rows = []
    for appendix in appendices():
        needs = appendix.requires or {}
        table = needs.get("table", "involvements")
        fields = needs.get("labels", [])
        if spec.table != table:
            needed = tables.get(table, table)
            fed, why = False, f"needs {'an' if needed[0] in 'aeiou' else 'a'} {needed} extract"
        elif not result.rows_loaded:
            fed, why = False, "no row of this file would load"
        elif fields:
            have = [f for f in fields if f in with_labels]
            fed = bool(have)
            why = "; ".join(
                ([f"from {', '.join(have)}"] if have else [])
                + [_lacking(spec, f, result.label_fields) for f in fields if f not in have]
            )
        else:
            dated = needs.get("date") or needs.get("year") or spec.start_date
            fed, why = True, f"from {result.rows_loaded:,} rows ({dated})"
        rows.append(AppendixRow(appendix.name, appendix.title, fed, why))
    return rows


def _lacking(spec: Contract, name: str, present: list[str]) -> str:
    if name in present:
        return f"{name}: every cell is blank"
    examples = " or ".join(f"'{a}'" for a in column_named(spec, name).aliases[:2])
    return f"no {name} column in this file (a header such as {examples})"
