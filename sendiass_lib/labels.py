"""Label columns: raw labels from extracts mapped onto the taxonomies in taxonomies/*.yaml.

A taxonomy holds one or more lists (reasons for contact changed on 1 April 2024); each list has an
optional `from`/`until` date and labels with aliases and, for SEN types, a DfE code. A raw label
matches a label or alias ignoring case, commas, full stops, repeated spaces and spaces around '/',
'-' and '&', in the list in force on the record's date. One that matches nothing is kept as label
"Unmapped" with its raw text, so it can be listed and fixed by adding an alias: never dropped.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import polars as pl
import yaml

from . import config

TAXONOMY_DIR = config.PACKAGE_DIR / "taxonomies"
UNMAPPED = "Unmapped"


def label_key(text: str) -> str:
    """'Ed Psych/ Advisor teacher' and 'ed psych/advisor  teacher' -> 'ed psych/advisor teacher'.
    Commas and full stops count as spaces: 'Social, emotional' and 'Social emotional' are one key."""
    text = re.sub(r"[\s,.]+", " ", text.lower()).strip()
    return re.sub(r" ?([/&-]) ?", r"\1", text)


def label_key_expr(text: pl.Expr) -> pl.Expr:
    """label_key for a polars column (the same rules)."""
    spaced = text.str.to_lowercase().str.replace_all(r"[\s,.]+", " ").str.strip_chars()
    return spaced.str.replace_all(r" ?([/&-]) ?", "$1")


def _taxonomy_file(name: str) -> dict:
    path = TAXONOMY_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in TAXONOMY_DIR.glob("*.yaml")))
        raise ValueError(f"unknown taxonomy '{name}'; valid: {known}")
    return _read(path, path.stat().st_mtime_ns)


@cache
def _read(path, mtime_ns: int) -> dict:
    """A taxonomy file's contents, read once while it is unchanged (pages ask for titles often)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def naming(name: str) -> tuple[str, str]:
    """How pages name a taxonomy: its title ("SEN type") and the noun for its labels ("SEN types")."""
    raw = _taxonomy_file(name)
    title = str(raw.get("title", name.replace("_", " ").capitalize()))
    return title, str(raw.get("noun", "labels"))


def column_phrase(name: str) -> str:
    """How a sentence names the extract column a taxonomy's labels come from ("where-heard")."""
    return str(_taxonomy_file(name).get("column", name.replace("_", "-")))


@cache
def taxonomy(name: str) -> pl.DataFrame:
    """The taxonomy as a lookup table: list, valid_from, valid_until, key, label, code, theme,
    definition (one row per spelling; theme and definition where the file gives them)."""
    path = TAXONOMY_DIR / f"{name}.yaml"
    rows = []
    for entry in _taxonomy_file(name)["lists"]:
        start, end = entry.get("from", date.min), entry.get("until", date.max)
        seen: dict[str, str] = {}
        for item in entry["labels"]:
            for spelling in (item["label"], *item.get("aliases", ())):
                key = label_key(str(spelling))
                if seen.get(key, item["label"]) != item["label"]:
                    raise ValueError(
                        f"{path.name}: '{spelling}' is given for both '{seen[key]}' and "
                        f"'{item['label']}' in list '{entry['name']}'"
                    )
                seen[key] = item["label"]
                rows.append(
                    (
                        entry["name"],
                        start,
                        end,
                        key,
                        item["label"],
                        item.get("code"),
                        item.get("theme"),
                        item.get("definition"),
                    )
                )
    frame = pl.DataFrame(
        rows,
        schema={
            "list": pl.String,
            "valid_from": pl.Date,
            "valid_until": pl.Date,
            "key": pl.String,
            "label": pl.String,
            "code": pl.String,
            "theme": pl.String,
            "definition": pl.String,
        },
        orient="row",
    )
    return frame.unique(subset=["list", "key"], keep="first", maintain_order=True)


def taxonomy_names() -> list[str]:
    """The taxonomies there are (files in taxonomies/ with label lists)."""
    return sorted(p.stem for p in TAXONOMY_DIR.glob("*.yaml") if "lists" in _taxonomy_file(p.stem))


def service_taxonomy(name: str, aliases: dict[str, str]) -> pl.DataFrame:
    """The taxonomy with a service's own label aliases (raw label -> label, from its mapping file)
    added, overriding the package's spelling where both give one: each maps in every list that has
    its label."""
    lookup = taxonomy(name)
    if not aliases:
        return lookup
    own = pl.DataFrame(
        {"key": [label_key(raw) for raw in aliases], "__target": list(aliases.values())}
    ).unique("key", keep="last")
    canonical = lookup.unique(["list", "label"], keep="first", maintain_order=True)
    added = canonical.join(own, left_on="label", right_on="__target", how="inner").select(
        *[pl.col("key_right").alias("key") if c == "key" else pl.col(c) for c in lookup.columns]
    )
    kept = lookup.filter(~pl.col("key").is_in(own["key"].implode()))
    return pl.concat([added, kept])


def map_labels(raw: pl.DataFrame, name: str, aliases: dict[str, str] | None = None) -> pl.DataFrame:
    """Map `raw` (columns raw_label, on, plus any others kept as they are) onto taxonomy `name`
    (with a service's own aliases, raw label -> label, if given): adds label (or "Unmapped"), code
    and list (the list in force on the date `on`)."""
    lookup = service_taxonomy(name, aliases) if aliases else taxonomy(name)
    # A label's mapping depends only on its text and date: map each distinct pair once (a few
    # thousand), not each of the millions of labels a large export has.
    pairs = raw.select("raw_label", "on").unique().with_columns(__key=label_key_expr(pl.col("raw_label")))
    matched = (
        pairs.join(lookup, left_on="__key", right_on="key", how="inner")
        .filter(pl.col("on").is_between(pl.col("valid_from"), pl.col("valid_until")))
        .select("raw_label", "on", "label", "code", "list")
    )
    lists = lookup.select("list", "valid_from", "valid_until").unique(maintain_order=True)
    in_force = pairs.join_where(
        lists, pl.col("on") >= pl.col("valid_from"), pl.col("on") <= pl.col("valid_until")
    ).select("raw_label", "on", pl.col("list").alias("__list"))
    on = ["raw_label", "on"]
    mapped = (
        pairs.join(matched, on=on, how="left", nulls_equal=True)
        .join(in_force, on=on, how="left", nulls_equal=True)
        .select(
            *on,
            pl.col("label").fill_null(UNMAPPED),
            "code",
            pl.col("list").fill_null(pl.col("__list")),
        )
    )
    return raw.join(mapped, on=on, how="left", nulls_equal=True, maintain_order="left")
