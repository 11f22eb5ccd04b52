"""Relations a reader sees in sentences (summaries, chart titles and descriptions): a label's share in
'the most common were ...' and 'The largest are ...', a theme's share by year in the themes chart,
and 'fewer than 5' said of a year's new involvements. Keys as in relations.py."""

from __future__ import annotations

import re

from .links import theme_parts
from .pages import Table
from .relations import where
from .site import Site, period
from .system import System, rounded, share_between

PERIOD = r"(?:\d{1,2} \w{3} - \d{1,2} \w{3} )?\d{4}(?:/\d{2})?"
MOST_COMMON = re.compile(rf"(?P<title>.+?), (?P<period>{PERIOD}): the most common were (?P<items>.+)\.")
BAR_CHART = re.compile(
    rf"Bar chart of the share of each of the (?P<noun>.+?) recorded, (?P<period>{PERIOD}), largest"
)
LARGEST = re.compile(r"The largest are (?P<items>.+)\.")
ITEM = re.compile(r"(?:^|, | and )(?P<label>.+?) \((?P<share>\d+(?:\.\d+)?%)\)")
THEME_CHART = re.compile(r"Line chart of the share of reasons in the \d+ largest themes")
THEME_LINE = re.compile(r"(?P<theme>[^:]+): (?P<items>\d+% in \S+(?:, \d+% in \S+)*)\.")
LARGEST_THEME = re.compile(
    r"(?P<theme>.+) was the largest theme in (?P<year>\S+) \((?P<share>\d+%) of reasons\)"
)
FEWER_NEW = re.compile(r"recorded fewer than (\d+) new involvements in (\d{4}(?:/\d{2})?)")


def label_shares(site: Site, system: System) -> None:
    """'Reasons for contact, 2023: the most common were General info (20%), ...' and a bar chart's
    'The largest are ASD (27.9%), ...': each a label's share of its list's base."""
    for _, page in site.pages():
        context = None
        for sentence in page.sentences():
            common, chart, largest = (
                MOST_COMMON.fullmatch(sentence),
                BAR_CHART.match(sentence),
                LARGEST.fullmatch(sentence),
            )
            if common:
                _shares(system, common["title"], common["period"], common["items"], sentence)
            elif largest and context:
                _shares(system, *context, largest["items"], sentence)
            context = (
                (site.nouns.get(chart["noun"]), chart["period"])
                if chart and chart["noun"] in site.nouns
                else None
            )


def _shares(system: System, title: str, when: str, items: str, sentence: str) -> None:
    base = ("base", title, period(when).label)
    for item in ITEM.finditer(items):
        key = ("count", title, period(when).label, item["label"])
        if key in system.index and base in system.index:
            lo, hi = rounded(*_percent(item["share"]))
            share_between(system, system.var(key), system.var(base), lo / 100, hi / 100, sentence)


def _percent(text: str) -> tuple[float, int]:
    value = text.rstrip("%")
    return float(value), len(value.split(".")[1]) if "." in value else 0


def theme_shares(site: Site, system: System) -> None:
    """The themes chart: 'EHC plans: 19% in 2022, 21% in 2024.' and 'EHC plans was the largest theme
    in 2024 (21% of reasons)': a theme's share of the year's reasons."""
    for _, page in site.pages():
        in_chart = False
        for sentence in page.sentences():
            line = THEME_LINE.fullmatch(sentence) if in_chart else None
            if line:
                for share, year in re.findall(r"(\d+%) in (\S+?)(?:,|$)", line["items"]):
                    _theme(site, system, line["theme"], year, share, sentence)
            largest = LARGEST_THEME.search(sentence)
            if largest:
                _theme(site, system, largest["theme"], largest["year"], largest["share"], sentence)
            in_chart = bool(THEME_CHART.match(sentence)) or (in_chart and bool(line))


def _theme(site: Site, system: System, theme: str, year: str, share: str, sentence: str) -> None:
    found = theme_parts(site, system, year)
    if found and theme in found[1]:
        lo, hi = rounded(*_percent(share))
        share_between(system, found[1][theme], found[0], lo / 100, hi / 100, sentence)


def fewer_than(site: Site, system: System) -> None:
    """'... recorded fewer than 5 new involvements in 2023': a year total of 1 to 4, a sentence to
    audit. Any other 'fewer than N' no relation reads is listed as unread (a list note's 'Fewer than
    5 had none recorded' is read with its list; unlisted labels 'each cited by fewer than 5' are in
    no table)."""
    for year, page in site.pages():
        for sentence in page.sentences():
            for found in re.finditer(r"[Ff]ewer than (\d+)", sentence):
                new = FEWER_NEW.search(sentence)
                if new:
                    opened = system.var(("opened", new.group(2)))
                    system.add(opened, 1, int(new.group(1)) - 1, sentence)
                    at = where(year, Table(page.name, "(text)", [], []), "(sentence)", new.group(0))
                    system.hide(at, opened, "sentence")
                elif "had none recorded" not in sentence and "each cited by" not in sentence:
                    system.unread.append(f"{year} {page.name}: {found.group(0)}: {sentence}")
