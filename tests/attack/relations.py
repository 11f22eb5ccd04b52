"""Relations a reader sees within one table: label lists and the base under them, the monthly
involvements with their totals and changes, the key figures, and any other table with a Total row.

Each quantity has a key, so that the same figure printed on several pages (a year's new involvements
on the key figures, the monthly table and under every label list; earlier years' columns repeated
on later years' pages) is one unknown:
("count", title, period, label), ("base", title, period), ("none", title, period), ("opened", period),
("month", year, month), ("key", measure, year), ("cell", table, row, column).
"""

from __future__ import annotations

import re

from .pages import HIDDEN, Page, Table, count, number, percent
from .site import Site, caption_parts
from .system import Expr, System, Where, minus, rounded, share_between, total

LIST_HEADER = ["Involvements", "Percentage"]
MULTI_BASE = re.compile(
    r"Percentages are of the ([\d,]+) .+? recorded for the ([\d,]+) involvements opened in (.+?): "
)
SINGLE_BASE = re.compile(
    r"Percentages are of the ([\d,]+) of the ([\d,]+) involvements opened in (.+?) with one"
)
FEWER_NONE = re.compile(r"Fewer than (\d+) had none recorded")
SOME_NONE = re.compile(r"([\d,]+) \(([\d.]+%)\) had none recorded")
YEAR_LABEL = re.compile(r"\d{4}(/\d{2})?")


def is_list(table: Table) -> bool:
    return table.header[1:3] == LIST_HEADER and caption_parts(table.caption) is not None


def is_months(table: Table) -> bool:
    return table.caption.startswith("New involvements per month")


def is_key_figures(table: Table) -> bool:
    return table.caption.startswith("Key figures")


def where(year: int, table: Table, row: str, column: str) -> Where:
    return Where(year, table.page, table.caption, row, column)


def quantity(system: System, key: tuple, text: str, at: Where | None = None, what: str = "count") -> Expr:
    """The unknown for a printed cell: fixed when it shows a count, a hidden target when [c]."""
    value = count(text)
    if value is not None:
        return system.fix(key, value, str(at))
    expr = system.var(key)
    if text == HIDDEN and at is not None:
        system.hide(at, expr, what)
    return expr


def label_lists(site: Site, system: System) -> None:
    """Each 'Label | Involvements | Percentage' table: its counts add up to the base its note states
    (labels recorded for a list with several per involvement; involvements with one recorded
    otherwise); each printed share of that base; involvements with none recorded."""
    for year, page in site.pages():
        for table in filter(is_list, page.tables):
            title, when = caption_parts(table.caption)
            counts = {
                label: quantity(
                    system,
                    ("count", title, when.label, label),
                    cells[0],
                    where(year, table, label, LIST_HEADER[0]),
                )
                for label, cells in table.rows
            }
            base = system.var(("base", title, when.label))
            system.equal(total(*counts.values()), base, f"{table.caption}: the counts add up to the base")
            _list_shares(system, year, table, counts, base)
            _stated_base(system, where(year, table, "(note)", ""), table, (title, when.label), base, counts)


def _list_shares(system: System, year: int, table: Table, counts: dict[str, Expr], base: Expr) -> None:
    """Each printed share of the base; a hidden share stands for its count (beside a hidden count, the
    same figure; beside a shown one, a share held back on a small base, hiding no count)."""
    for label, cells in table.rows:
        shown = percent(cells[1]) if len(cells) > 1 else None
        if shown:
            lo, hi = rounded(*shown)
            share_between(system, counts[label], base, lo / 100, hi / 100, f"{table.caption}: {label} share")
        elif cells[1:2] == [HIDDEN]:
            what = "count" if cells[0] == HIDDEN else "share"
            system.hide(where(year, table, label, LIST_HEADER[1]), counts[label], what)


def _stated_base(system: System, at: Where, table: Table, field: tuple, base: Expr, counts: dict) -> None:
    """The note's base, involvements opened and involvements with none recorded."""
    title, when = field
    opened = system.var(("opened", when))
    none = system.var(("none", title, when))
    multi, single = MULTI_BASE.search(table.note), SINGLE_BASE.search(table.note)
    found = multi or single
    if not found:
        return
    system.fix(("base", title, when), count(found.group(1)), table.caption)
    system.fix(("opened", when), count(found.group(2)), table.caption)
    if single:
        system.equal(total(base, none), opened, f"{table.caption}: recorded + none = opened")
    else:
        for label, expr in counts.items():  # an involvement counts once for each label at most
            system.add(
                minus(expr, minus(opened, none)), float("-inf"), 0.0, f"{table.caption}: {label} at most"
            )
    fewer, some = FEWER_NONE.search(table.note), SOME_NONE.search(table.note)
    if some:
        system.fix(("none", title, when), count(some.group(1)), table.caption)
        lo, hi = rounded(*percent(some.group(2)))
        share_between(system, none, opened, lo / 100, hi / 100, f"{table.caption}: share with none")
    elif fewer:
        system.add(none, 1, int(fewer.group(1)) - 1, f"{table.caption}: fewer than {fewer.group(1)} had none")
        system.hide(Where(at.year, at.page, at.caption, "(note)", fewer.group(0)), none, "sentence")
    else:
        system.fix(("none", title, when), 0, f"{table.caption}: the note names no blanks")


def involvement_months(site: Site, system: System) -> None:
    """The monthly table: each year's months add up to its Total (the year's new involvements), and
    each printed change on last year bounds one year's count by the other's."""
    for year, page in site.pages():
        for table in filter(is_months, page.tables):
            years = [c for c in table.header[1:] if YEAR_LABEL.fullmatch(c)]
            cells: dict[tuple[str, str], Expr] = {}
            for column in years:
                i = table.column(column)
                for row, values in table.rows:
                    key = ("opened", column) if row == "Total" else ("month", column, row)
                    cells[row, column] = quantity(system, key, values[i], where(year, table, row, column))
                months = [cells[row, column] for row, _ in table.rows if row != "Total"]
                if ("Total", column) in cells:
                    system.equal(total(*months), cells["Total", column], f"{table.caption}: {column} months")
            for column in table.header[1:]:
                found = re.fullmatch(r"Change (\S+) to (\S+)", column)
                if found:
                    _changes(system, table, cells, found.group(1), found.group(2))


def _changes(system: System, table: Table, cells: dict, before: str, after: str) -> None:
    i = table.column(f"Change {before} to {after}")
    for row, values in table.rows:
        shown = percent(values[i])
        if shown and (row, before) in cells and (row, after) in cells:
            lo, hi = rounded(*shown)
            share_between(
                system,
                cells[row, after],
                cells[row, before],
                1 + lo / 100,
                1 + hi / 100,
                f"{table.caption}: {row}",
            )


def key_figures(site: Site, system: System) -> None:
    """The key figures: new involvements (the same figure as the monthly Total), referrals and
    enquiries adding up to it, and each 'per FTE adviser' figure with the FTE it divides by."""
    for year, page in site.pages():
        for table in filter(is_key_figures, page.tables):
            for column in table.header[1:]:
                i = table.column(column)
                row_of = {row: values[i] for row, values in table.rows}
                cell: dict[str, Expr] = {}
                for row, text in row_of.items():
                    if count(text) is not None or text == HIDDEN:
                        key = ("opened", column) if row == "New involvements" else ("key", row, column)
                        cell[row] = quantity(system, key, text, where(year, table, row, column))
                if {"New referrals", "New enquiries", "New involvements"} <= set(cell):
                    parts = total(cell["New referrals"], cell["New enquiries"])
                    system.equal(parts, cell["New involvements"], f"{table.caption}: referrals + enquiries")
                _per_fte(system, table, row_of, cell)


def _per_fte(system: System, table: Table, row_of: dict[str, str], cell: dict[str, Expr]) -> None:
    fte = row_of.get("FTE advisers", "")
    if number(fte) is None:
        return
    decimals = len(fte.split(".")[1]) if "." in fte else 0
    f_lo, f_hi = rounded(number(fte), decimals)
    for row, text in row_of.items():
        measure = row.removesuffix(" per FTE adviser")
        if measure != row and measure in cell and number(text) is not None:
            r_lo, r_hi = rounded(number(text), 0)
            system.add(cell[measure], r_lo * f_lo, r_hi * f_hi, f"{table.caption}: {row}")


def recognised(table: Table) -> bool:
    """Tables a builder of their own reads (the others are read as plain tables)."""
    starts = (
        "Reasons for contact by theme",
        "SEN types by DfE primary need",
        "Blank fields",
        "Tribunals avoided: an estimate",
    )
    return (
        is_list(table)
        or is_months(table)
        or is_key_figures(table)
        or table.caption.startswith(starts)
        or "Answered" in table.header
    )


def plain_tables(site: Site, system: System) -> None:
    """Any other table with a hidden cell: each cell an unknown (a column headed by a year keeps its
    key across the years' pages), and a Total row the sum of the rows in every count column."""
    for year, page in site.pages():
        for table in page.tables:
            if recognised(table) or not any(HIDDEN in cells for _, cells in table.rows):
                continue
            _plain_table(system, year, page, table)


def _plain_table(system: System, year: int, page: Page, table: Table) -> None:
    stem = table.caption.split(",")[0]
    for column in table.header[1:]:
        i = table.column(column)
        texts = [(row, values[i]) for row, values in table.rows if i < len(values)]
        if not all(count(text) is not None or text == HIDDEN for _, text in texts):
            for row, text in texts:  # not a count column: only its hidden cells are audited
                if text == HIDDEN:
                    system.hide(
                        where(year, table, row, column), system.var(("cell", stem, row, column, year))
                    )
            continue
        ident = column if YEAR_LABEL.fullmatch(column) else f"{column} ({page.year})"
        cells = {
            row: quantity(system, ("cell", stem, row, ident), text, where(year, table, row, column))
            for row, text in texts
        }
        if "Total" in cells:
            members = [expr for row, expr in cells.items() if row != "Total"]
            system.equal(total(*members), cells["Total"], f"{table.caption}: {column} total")
