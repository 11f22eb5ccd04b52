"""Everything a reader has for one service: its published pages (every year), and the files that ship
with the project and say how the pages' figures relate (the reasons' theme crosswalk, which labels
the printed report groups together) and what the small-number threshold is. No library code."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .pages import Page, read_service

LIB = Path(__file__).resolve().parents[2] / "sendiass_lib"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Period:
    """A period as a caption prints it ('2023', '1 Jan - 31 Mar 2024'), with its first and last day
    where the text gives them (a bare calendar year does)."""

    label: str
    start: dt.date | None
    end: dt.date | None

    @property
    def year(self) -> str:
        """The year label a column for this period is headed with ('2024' for '1 Apr - 31 Dec 2024')."""
        return self.label if self.start is None else str(self.end.year)


def period(label: str) -> Period:
    """Parse a caption's period: a year, or 'D Mon - D Mon YYYY' within one year."""
    if re.fullmatch(r"\d{4}", label):
        year = int(label)
        return Period(label, dt.date(year, 1, 1), dt.date(year, 12, 31))
    found = re.fullmatch(r"(\d{1,2}) (\w{3}) - (\d{1,2}) (\w{3}) (\d{4})", label)
    if found and found.group(2) in MONTHS and found.group(4) in MONTHS:
        d1, m1, d2, m2, year = found.groups()
        start = dt.date(int(year), MONTHS.index(m1) + 1, int(d1))
        return Period(label, start, dt.date(int(year), MONTHS.index(m2) + 1, int(d2)))
    return Period(label, None, None)


CAPTION = re.compile(r"(?P<title>.+?), (?P<period>(?:\d{1,2} \w{3} - \d{1,2} \w{3} )?\d{4}(?:/\d{2})?), .+")


def caption_parts(caption: str) -> tuple[str, Period] | None:
    """'Reasons for contact, 1 Jan - 31 Mar 2024, Worcestershire SENDIASS' -> title and period."""
    found = CAPTION.fullmatch(caption)
    return (found["title"], period(found["period"])) if found else None


@dataclass
class Site:
    """A service's pages by YEAR, its threshold (None: disclosure off), the reasons' theme crosswalk
    (list name -> (from, until, {label: theme})), the printed report's label groups, and the title
    each taxonomy file gives its field ({file stem: title})."""

    slug: str
    years: dict[int, list[Page]]
    below: int | None
    crosswalk: list[tuple[dt.date | None, dt.date | None, dict[str, str]]] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)

    def pages(self) -> list[tuple[int, Page]]:
        return [(year, page) for year, pages in sorted(self.years.items()) for page in pages]

    def theme(self, label: str, when: Period) -> str | None:
        """The theme of a reason label under the list in force at the period's start."""
        for start, until, themes in self.crosswalk:
            if label in themes and (when.start is None or _in_force(when.start, start, until)):
                return themes[label]
        return next((themes[label] for _, _, themes in self.crosswalk if label in themes), None)


def _in_force(day: dt.date, start: dt.date | None, until: dt.date | None) -> bool:
    return (start is None or day >= start) and (until is None or day <= until)


def threshold(slug: str) -> int | None:
    """The service file's `disclosure.suppress_below` (5 when not given), or None when it is off."""
    raw = yaml.safe_load((LIB / "services" / f"{slug}.yaml").read_text(encoding="utf-8"))
    rule = raw.get("disclosure", {})
    if rule is False or rule == "off":
        return None
    return int((rule or {}).get("suppress_below", 5))


def ratings_suppressed(slug: str, services: Path | None = None) -> bool:
    """Whether the service file asks for ratings by few people to be hidden (`rating_counts`)."""
    raw = yaml.safe_load(((services or LIB / "services") / f"{slug}.yaml").read_text(encoding="utf-8"))
    rule = raw.get("disclosure", {})
    return isinstance(rule, dict) and rule.get("rating_counts") == "suppressed"


def crosswalk() -> list[tuple[dt.date | None, dt.date | None, dict[str, str]]]:
    """The reasons' lists from taxonomies/reasons.yaml: when each is in force, and each label's theme."""
    raw = yaml.safe_load((LIB / "taxonomies" / "reasons.yaml").read_text(encoding="utf-8"))
    return [
        (
            entry.get("from"),
            entry.get("until"),
            {item["label"]: item["theme"] for item in entry["labels"] if item.get("theme")},
        )
        for entry in raw["lists"]
    ]


def taxonomy_names(key: str) -> dict[str, str]:
    """{taxonomy file stem: the title pages give its field} for key 'stem', e.g. {'sen_types': 'SEN type'};
    {the noun sentences call its labels: title} for key 'noun', e.g. {'SEN types': 'SEN type'}."""
    out = {}
    for path in sorted((LIB / "taxonomies").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and raw.get("title"):
            out[path.stem if key == "stem" else raw.get("noun", raw["title"])] = raw["title"]
    return out


def printed_groups(slug: str) -> list[dict]:
    """The printed report's label groups that a data-quality row compares with the data (the printed
    report is public; sendiass_lib/published/report_differences.yaml copies what it prints)."""
    raw = yaml.safe_load((LIB / "published" / "report_differences.yaml").read_text(encoding="utf-8"))
    rows = raw.get("differences", raw) if isinstance(raw, dict) else raw
    return [row for row in rows if row.get("service") == slug and row.get("labels")]


def read_site(out_dir: Path, slug: str) -> Site:
    """Everything a reader has for the service `slug`, from the pages under `out_dir`."""
    pages, below = read_service(out_dir, slug), threshold(slug)
    return Site(
        slug, pages, below, crosswalk(), printed_groups(slug), taxonomy_names("stem"), taxonomy_names("noun")
    )
