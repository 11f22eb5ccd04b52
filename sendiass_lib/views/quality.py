"""What a reader sees of the data quality of a service's extracts (metrics.quality, blank_fields,
differences): the summary, what to check first (also printed by `sendiass report`), the loads,
rejected rows, columns not used, unmapped labels, blank fields and the differences from the printed
report."""

from __future__ import annotations

import polars as pl
from IPython.display import HTML, Markdown

from .. import tables
from ..fields import label_fields
from ..formatting import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, count, percent
from ..metrics import blank_fields as b
from ..metrics import differences as d
from ..metrics import quality as q

# How a sentence names each optional column: "the extracts have no date-closed column" (a label
# column's phrase comes with its field: fields.Field.column).
OPTIONAL_PHRASES = {
    "first_response_on": "date-of-first-response",
    "closed_on": "date-closed",
    "intervention_level": "intervention-level",
}
WHY = {
    q.UNKNOWN: "unknown: not read (to use it, map it in the service's mapping file)",
    q.PERSONAL: "personal data: never read",
    q.IGNORED: "ignored, as the service's mapping file says",
}
# How each kind of figure from the data reads beside the printed one (metrics.differences).
FROM_DATA = {
    "change_on_last_year": lambda value, of: percent(value, 1, signed=True),
    "months_over": lambda value, of: f"{round(value)} of {of} months",
    "mix_total": lambda value, of: percent(value, 1),
    "key_figure": lambda value, of: f"{value:,.1f}".removesuffix(".0"),
    "share_of_new": lambda value, of: f"{value:,.1f}",
    "mix_labels_share": lambda value, of: percent(value, 1),
    "evaluation_share": lambda value, of: percent(value),
    "figure_sum": lambda value, of: f"{value:,.2f}".rstrip("0").rstrip("."),
}


def summary(loads: pl.DataFrame, unmapped: q.UnmappedLabels, printed: pl.DataFrame) -> Markdown:
    """Files and rows loaded and rejected, labels that matched nothing, figures the printed report
    gives that its data does not."""
    return Markdown(
        f"{count(loads.height)} files were loaded for this service: {count(loads['Rows in'].sum())} rows, "
        f"of which {count(loads['Rejected'].sum())} were rejected with a reason and kept for review. "
        f"{count(unmapped.rows['Involvements'].sum())} labels matched nothing in the taxonomies. "
        f"{count(printed.height)} figures in the printed report differ from what its data gives."
    )


def warning_lines(found: list[q.Finding]) -> list[str]:
    """Each thing to check first (metrics.quality.warnings) as a line, for the page and the terminal."""
    fields, lines = label_fields(), []
    for finding in found:
        if finding.kind == q.UNKNOWN_COLUMNS:
            listed = ", ".join(f"'{header}'" for header in finding.columns)
            lines.append(
                f"{finding.where}: column{'s' if len(finding.columns) > 1 else ''} {listed} dropped as "
                "unknown; to use one, map it in the service's mapping file (sendiass check FILE --suggest)"
            )
            continue
        [column] = finding.columns
        phrase = fields[column].column if column in fields else OPTIONAL_PHRASES[column]
        if finding.kind == b.NOT_IN_EXTRACT:
            lines.append(f"{finding.where}: the extracts have no {phrase} column")
        elif finding.kind == b.ALL_BLANK:
            lines.append(f"{finding.where}: the {phrase} column is blank for every involvement")
        else:
            lines.append(f"{finding.where}: every {phrase} label matched nothing (see the data-quality page)")
    return lines


def warnings(found: list[q.Finding]) -> HTML | Markdown:
    """What to check first as a list, or a sentence saying there is nothing."""
    if not found:
        return Markdown("Nothing to check: every column was used or is personal data; every field has data.")
    return tables.text_list(warning_lines(found), "Data quality warnings")


def loads_table(loads: pl.DataFrame) -> HTML:
    """Every file loaded for the service (metrics.quality.loads)."""
    return tables.table(loads, caption="Extracts loaded, all years")


def rejects_table(rejects: pl.DataFrame) -> HTML | Markdown:
    """Rejected rows by reason and kind (metrics.quality.rejects_by_reason), or a sentence when none."""
    if not rejects.height:
        return Markdown("No rows were rejected.")
    return tables.table(rejects, caption="Rejected rows by reason, all years")


def dropped_table(dropped: pl.DataFrame) -> HTML | Markdown:
    """The columns not stored, each with why (metrics.quality.dropped_columns), or a sentence when none."""
    if not dropped.height:
        return Markdown("Every column of every file was used.")
    why = dropped.with_columns(pl.col("Why").replace_strict(WHY))
    return tables.table(why, caption="Columns not used, all files")


def left_out_note(unmapped: q.UnmappedLabels) -> str | None:
    """The sentence under the table when labels are left out. It gives neither how many nor their
    counts: with the rule's threshold, either would tell a reader a range for them."""
    if not unmapped.left_out:
        return None
    return (
        "Labels cited by few involvements are not listed: text typed into a label cell could "
        "identify someone."
    )


def unmapped_table(unmapped: q.UnmappedLabels) -> HTML | Markdown:
    """The labels that matched nothing and may be listed, or a sentence when there are none to list."""
    shown = unmapped.protected()
    if shown.data.height:
        caption = "Unmapped labels, involvements opened in the year"
        return tables.published_table(shown, caption=caption, note=left_out_note(unmapped))
    if unmapped.rows.height:
        return Markdown(left_out_note(unmapped))
    return Markdown("Every label recorded in the year matched the taxonomies.")


def blank_table(blank: b.BlankFields) -> HTML:
    """Each optional field's blanks among the year's involvements, as published; [z] for a field the
    extracts did not have."""
    return tables.published_table(
        blank.protected(),
        caption="Blank fields, involvements opened in the year",
        formats={b.SHARE_BLANK: lambda x: percent(x, 1)},
        not_applicable=blank.not_in_extract(),
        not_applicable_note=f"{NOT_APPLICABLE} the extracts have no such column.",
    )


def printed_and_data(printed: pl.DataFrame) -> pl.DataFrame:
    """metrics.differences.differences as text: What, Printed, From the data, Note."""
    ours = [
        SUPPRESSED if hidden else NOT_AVAILABLE if value is None else FROM_DATA[measure](value, of)
        for measure, value, of, hidden in printed.select(d.MEASURE, d.VALUE, d.OF, d.HIDDEN).iter_rows()
    ]
    return printed.select("What", "Printed", pl.Series("From the data", ours, pl.String), "Note")


def differences_table(printed: pl.DataFrame) -> HTML | Markdown:
    """Each figure the printed report gives beside the one its data gives, or a sentence when none."""
    if not printed.height:
        return Markdown("No differences from a printed report are recorded for this service and year.")
    return tables.table(printed_and_data(printed), caption="Printed figures and what the data gives")
