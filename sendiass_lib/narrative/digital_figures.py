"""Figure names for digital reach (metrics.digital): any channel's year total or latest level, the
website's visitors, YouTube views and the mailing list. Digital figures count visits and views, not
people: the disclosure rule does not apply to them, as on the digital page.
"""

from __future__ import annotations

from ..formatting import count
from ..metrics.digital import ChannelMonths
from ..metrics.mailing import MailingList
from .figure import Figure, NotAvailable, Param, choose, rise_or_fall
from .sources import Sources

COUNT_TEXT = "a count with thousands separators, as the digital page prints it (no disclosure rule)"


def digital_figures() -> list[Figure]:
    """Digital reach (metrics.digital): any channel's year total or latest level, the website's
    visitors, YouTube views, the mailing list. Digital figures count visits, not people: the
    disclosure rule does not apply to them, as on the digital page."""
    reads = "metrics.digital"
    channel = Param("channel", str, "a channel as the digital extract names it: 'Facebook'")
    metric = Param("metric", str, "one of its metrics: 'Post Reach', 'Followers'")
    return [
        Figure(
            "digital.website_visitors",
            "website visitors in the year (the first website's first metric)",
            f"{reads}.website: ChannelMonths.total",
            COUNT_TEXT,
            _website,
        ),
        Figure(
            "digital.total",
            "a channel's metric added up over the year's months (a flow: reach, views)",
            f"{reads}.channels: ChannelMonths.total(metric)",
            COUNT_TEXT,
            _channel_total,
            (channel, metric),
            lambda s: _example_metric(s, level=False),
        ),
        Figure(
            "digital.latest",
            "a channel's metric in the last month with a figure (a level: followers)",
            f"{reads}.channels: ChannelMonths.series(metric)",
            COUNT_TEXT,
            _channel_latest,
            (channel, metric),
            lambda s: _example_metric(s, level=True),
        ),
        Figure(
            "digital.youtube_views",
            "YouTube views of every video in the year",
            "metrics.youtube.youtube_views: VideoViews.total",
            COUNT_TEXT,
            _videos,
        ),
        Figure(
            "digital.mailing_list",
            "mailing list subscribers, latest figure of the year",
            "metrics.mailing.mailing_list: MailingList.current",
            COUNT_TEXT,
            lambda s: count(_mailing(s).current[1]),
        ),
        Figure(
            "digital.mailing_list_before",
            "mailing list subscribers, latest figure of the year before",
            "metrics.mailing.mailing_list: MailingList.previous",
            COUNT_TEXT,
            lambda s: count(_before(s)[1]),
        ),
        Figure(
            "digital.mailing_list_change",
            "the change in mailing list subscribers on the year before",
            "metrics.mailing.mailing_list: MailingList.change",
            "'a rise of 31%', 'a fall of 5%'",
            _mailing_change,
        ),
    ]


def _website(s: Sources) -> str:
    sites = [c for c in s.channels if c.channel.lower() == "website"]
    if not sites or sites[0].total(sites[0].metrics[0]) is None:
        raise NotAvailable(f"no website figures are loaded for {s.where}")
    return count(sites[0].total(sites[0].metrics[0]))


def _channel(s: Sources, name: str, metric: str) -> ChannelMonths:
    if not s.channels:
        raise NotAvailable(f"no digital figures are loaded for {s.where}")
    found = {c.channel: c for c in s.channels}
    chosen = found[choose(name, list(found), "a channel of the digital figures")]
    choose(metric, chosen.metrics, f"a metric of {name}")
    return chosen


def _channel_total(s: Sources, name: str, metric: str) -> str:
    chosen = _channel(s, name, metric)
    if metric in chosen.levels:
        raise NotAvailable(f"{metric} is a count at a point in time, never added up: use digital.latest")
    total = chosen.total(metric)
    if total is None:
        raise NotAvailable(f"no {metric} figures for {name} in {s.period.label}")
    return count(total)


def _channel_latest(s: Sources, name: str, metric: str) -> str:
    series = _channel(s, name, metric).series(metric)
    if not series.height:
        raise NotAvailable(f"no {metric} figures for {name} in {s.period.label}")
    return count(series["value"][-1])


def _example_metric(s: Sources, level: bool) -> tuple[str, str]:
    for chosen in s.channels:
        for metric in chosen.metrics:
            if (metric in chosen.levels) == level:
                return chosen.channel, metric
    raise NotAvailable(f"no {'level' if level else 'flow'} digital figures are loaded for {s.where}")


def _videos(s: Sources) -> str:
    total = next((v.total for v in s.videos if v.total is not None), None)
    if total is None:
        raise NotAvailable(f"no YouTube views are loaded for {s.where}")
    return count(total)


def _mailing(s: Sources) -> MailingList:
    if not s.mailing_list:
        raise NotAvailable(f"no mailing list figures are loaded for {s.where}")
    return s.mailing_list[0]


def _before(s: Sources) -> tuple:
    if _mailing(s).previous is None:
        raise NotAvailable("no mailing list figure is loaded for the year before")
    return _mailing(s).previous


def _mailing_change(s: Sources) -> str:
    _before(s)
    change = _mailing(s).change
    if change is None:
        raise NotAvailable("the year before's figure is 0: there is no change to give")
    return rise_or_fall(change)
