"""Synthetic service figures: the published funding, staffing, minimum standards, tribunal and
volunteer tables (sample_targets/figures.yaml) in long form, one figure per row, as a service might
keep them in a spreadsheet beside its case-management system. No randomness: the figures are the
printed ones. Each file has one row a real spreadsheet might have that the loader rejects (a typed
Total, a unit in a number cell). No names: posts are roles, volunteers are counted."""

from __future__ import annotations

from pathlib import Path

from . import _csv_bytes, _targets

HEADERS = ["Year", "As At", "Scope", "Table", "Line", "Row", "Column", "Value", "Text", "Out Of", "Unit"]


def _cell(value) -> str:
    """A figure as typed in a spreadsheet: 108734, 0.85, '0.20' kept as written; blank for None."""
    return "" if value is None else str(value)


def _rows(table: dict) -> list[list[str]]:
    """One row per figure of a target table: by year (one value per year) or per column."""
    found = []
    for place, row in enumerate(table["rows"], start=1):
        line = str(row.get("line", place))
        if "years" in table:
            cells = [
                (year, None, table["unit"], value)
                for year, value in zip(table["years"], row["values"], strict=True)
            ]
        else:
            columns = table["columns"].items()
            cells = [(table["year"], c, unit, v) for (c, unit), v in zip(columns, row["values"], strict=True)]
        for year, column, unit, value in cells:
            if value is None:  # a blank printed cell: no figure
                continue
            number = unit is not None
            found.append(
                [
                    year,
                    table.get("as_at", ""),
                    table.get("scope", ""),
                    table["table"],
                    line,
                    row["label"],
                    column or "",
                    _cell(value) if number else "",
                    "" if number else _cell(value),
                    _cell(row.get("out_of")),
                    unit or "",
                ]
            )
    return found


def write(out_dir: Path) -> list[Path]:
    """figures_<year>.csv for every service in the targets."""
    written = []
    for service, spec in _targets("figures").items():
        tables = [_rows(table) for table in spec["tables"]]
        bad = [_cell(spec["bad_row"].get(h)) for h in HEADERS]
        rows = [*tables[0], bad, *(row for table in tables[1:] for row in table)]
        path = out_dir / service / spec["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes(HEADERS, rows))
        written.append(path)
    return written
