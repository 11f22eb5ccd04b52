"""What stored fields mean, for the loader and the metrics alike: which involvement columns hold
labels (their taxonomy, one label or several per cell, how pages name them), and which digital
metrics are levels. ingest/contract.py types the label columns from here; metrics group by them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import labels

# Involvement columns whose cells hold labels, in extract order: column -> (the taxonomy its labels
# are mapped onto, taxonomies/<name>.yaml; whether a cell may hold several, split on ";").
LABEL_COLUMNS = {
    "reasons": ("reasons", True),
    "sen_types": ("sen_types", True),
    "caller_type": ("caller_type", False),
    "contact_method": ("contact_method", False),
    "heard_about": ("heard_about", False),
    "record_type": ("record_type", False),
}


@dataclass(frozen=True)
class Field:
    """A column whose values a page shows as a mix of labels (a label column, or the levels)."""

    name: str
    taxonomy: str
    multi: bool  # a cell may hold several labels
    title: str  # "SEN type"
    noun: str  # what its labels are called in a sentence: "SEN types"
    column: str = ""  # how a sentence names the extract's column: "where-heard"


def label_fields() -> dict[str, Field]:
    """The involvements' label columns, by name, named as their taxonomy files say."""
    fields = {}
    for name, (taxonomy, multi) in LABEL_COLUMNS.items():
        title, noun = labels.naming(taxonomy)
        fields[name] = Field(name, taxonomy, multi, title, noun, labels.column_phrase(taxonomy))
    return fields


CUMULATIVE_VIEWS = "total views"  # a YouTube video's running total of views
# Digital metrics that are counts at a point in time (never summed over months); the rest are flows.
LEVEL_METRICS = {"followers", "subscribers", CUMULATIVE_VIEWS, "members", "page likes"}


def is_level(metric: str) -> bool:
    """Whether a digital metric is a count at a point in time (never summed over months)."""
    return metric.strip().lower() in LEVEL_METRICS
