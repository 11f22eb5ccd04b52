"""Sentences for the digital appendix: headline, captions, notes, chart titles and descriptions."""

from __future__ import annotations

from .. import config, periods
from ..formatting import count, percent
from ..metrics.digital import MONTH, VIDEO, ChannelMonths, MailingList, VideoViews, month_label
from . import _and


def _owner(scope: str) -> str:
    """'joint: Herefordshire & Worcestershire' -> 'the joint Herefordshire & Worcestershire'."""
    if scope.startswith("joint: "):
        return f"the joint {scope.removeprefix('joint: ')}"
    return "the joint" if scope == "joint" else f"the {scope}"


def _cap(text: str) -> str:
    """Capitalise the first letter only ('the joint Herefordshire' -> 'The joint Herefordshire')."""
    return text[:1].upper() + text[1:]


def sources(service: str, shared: tuple[str, ...], conflicts: int) -> str:
    """What 'joint' means on the page, and whether the services' extracts disagree on any joint figure."""
    if len(shared) < 2:
        return "Every figure here comes from the service's own extracts."
    areas = _and([config.service(s).area if s in config.services() else s for s in shared])
    text = (
        f"Channels marked joint are shared by {areas}: both services' extracts may carry them, and each "
        "figure is counted once. They appear on each service's page and must not be added together."
    )
    if conflicts:
        figures = "figure differs" if conflicts == 1 else "figures differ"
        text += (
            f" {count(conflicts)} joint {figures} between the services' extracts: the most recently "
            "loaded is shown."
        )
    return text


def empty(what: str, service: str, year: int) -> str:
    """'No website figures are loaded for 2023.'"""
    label = periods.reporting_year(config.service(service), year).long_label
    return f"No {what} figures are loaded for {label}."


def chart_metric(channel: ChannelMonths) -> str:
    """The metric a channel's chart shows: its first level (followers) if any, else its first metric."""
    return (channel.levels or channel.metrics)[0]


def headline(
    service: str,
    year: int,
    websites: list[ChannelMonths],
    social: list[ChannelMonths],
    videos: list[VideoViews],
    mailing: list[MailingList],
) -> str:
    """One sentence per channel: visitors, followers, video views, mailing list."""
    year_label = periods.reporting_year(config.service(service), year).long_label
    sentences = []
    for site in websites:
        sentences.append(_flow_sentence(site, f"{_cap(_owner(site.scope))} website"))
    for platform in social:
        sentences.append(_channel_sentence(platform))
    for video in videos:
        if video.total is not None:
            top = video_top(video)
            owner = _cap(_owner(video.scope))
            text = f"{owner} YouTube videos were viewed {count(video.total)} times in {year_label}"
            if top and video.videos.height > 1:
                text += f", {count(top[1])} of them ({percent(top[1] / video.total)}) {top[0]}"
            sentences.append(text + ".")
    for listing in mailing:
        sentences.append(mailing_sentence(listing))
    if not sentences:
        return f"No digital figures are loaded for {year_label}."
    return " ".join(s for s in sentences if s)


def _flow_sentence(channel: ChannelMonths, subject: str) -> str:
    metric = channel.metrics[0]
    total = channel.total(metric)
    if total is None:
        return ""
    text = f"{subject} had {count(total)} {metric.lower()} in {channel.period.label}"
    peak = channel.peak(metric)
    if peak:
        text += f"; the busiest month was {peak[0]} ({count(peak[1])})"
    return text + "."


def _channel_sentence(channel: ChannelMonths) -> str:
    metric = chart_metric(channel)
    if metric in channel.levels:
        change = level_change(channel, metric)
        if change is None:
            return ""
        (first, a), (last, b) = change
        verb = "rose" if b > a else "fell" if b < a else "stayed"
        return (
            f"{channel.channel} {metric.lower()} ({channel.scope}) {verb} from {count(a)} in {first} "
            f"to {count(b)} in {last}."
        )
    return _flow_sentence(channel, f"{channel.channel} ({channel.scope})")


def level_change(channel: ChannelMonths, metric: str) -> tuple[tuple[str, int], tuple[str, int]] | None:
    """The first and last months with a figure for a level metric, with their figures."""
    found = channel.series(metric)
    if found.height < 2:
        return None
    first, last = found.row(0, named=True), found.row(-1, named=True)
    return (first[MONTH], first["value"]), (last[MONTH], last["value"])


def mailing_sentence(listing: MailingList) -> str:
    """'The joint ... mailing list had 1,155 subscribers in Dec 2024, up 31% from 880 in Dec 2023.'"""
    month, value = listing.current
    text = (
        f"{_cap(_owner(listing.scope))} mailing list had {count(value)} {listing.metric.lower()} "
        f"in {month_label(month)}"
    )
    if listing.change is not None:
        before_month, before = listing.previous
        direction = "up" if listing.change > 0 else "down"
        size = percent(abs(listing.change))
        text += f", {direction} {size} from {count(before)} in {month_label(before_month)}"
    return text + "."


def channel_caption(channel: ChannelMonths) -> str:
    """Caption of a channel's monthly table."""
    what = f"{channel.channel} {channel.metrics[0].lower()}" if len(channel.metrics) == 1 else channel.channel
    return f"{what} per month, {channel.period.long_label}, {channel.scope}"


def channel_note(channel: ChannelMonths) -> str:
    """What the channel's levels and totals mean."""
    text = "Each figure is as reported for the month; totals add up the months with a figure."
    if channel.scope.startswith("joint"):
        text += f" The channel is shared ({channel.scope}): the same figures appear on each service's page."
    return text


def level_note(channel: ChannelMonths) -> str:
    """Why a level metric has no total ([z])."""
    counts = "is a count" if len(channel.levels) == 1 else "are counts"
    return f"[z] not applicable: {_and(channel.levels)} {counts} at the end of each month, so not added up."


def channel_chart_title(channel: ChannelMonths) -> str:
    """The finding: the peak month of a flow, or the change in a level."""
    metric = chart_metric(channel)
    if metric in channel.levels:
        change = level_change(channel, metric)
        if change is None:
            return f"{channel.channel} {metric.lower()}, {channel.period.label}"
        values = channel.series(metric)["value"]
        (_, a), (_, b) = change
        if values.diff().drop_nulls().gt(0).all():
            return f"{channel.channel} {metric.lower()} rose every month, from {count(a)} to {count(b)}"
        verb = "rose" if b > a else "fell" if b < a else "were unchanged"
        return f"{channel.channel} {metric.lower()} {verb} from {count(a)} to {count(b)}"
    peak = channel.peak(metric)
    if not peak:
        return f"No {channel.channel} {metric.lower()} recorded"
    return f"{channel.channel} {metric.lower()} peaked in {peak[0]} ({count(peak[1])})"


def channel_chart_subtitle(channel: ChannelMonths) -> str:
    """What a channel's chart measures."""
    metric = chart_metric(channel)
    return f"{channel.channel} {metric.lower()} per month, {channel.period.long_label}, {channel.scope}"


def channel_chart_description(channel: ChannelMonths) -> str:
    """What a channel's line chart shows, in words."""
    metric = chart_metric(channel)
    found = channel.series(metric)
    text = (
        f"Line chart of {channel.channel} {metric.lower()} per month, {channel.period.long_label} "
        f"({channel.scope})."
    )
    if found.height:
        high = found.row(found["value"].arg_max(), named=True)
        low = found.row(found["value"].arg_min(), named=True)
        text += (
            f" The highest was {high[MONTH]} ({count(high['value'])}) and the lowest {low[MONTH]} "
            f"({count(low['value'])})."
        )
        if len(found) < len(channel.months):
            text += f" {len(channel.months) - len(found)} months have no figure."
    return text + " The table above gives every figure."


def video_top(videos: VideoViews) -> tuple[str, int] | None:
    """The video with the most views in the year, and its views."""
    known = videos.videos.drop_nulls("views")
    if not known.height:
        return None
    row = known.row(known["views"].arg_max(), named=True)
    return row[VIDEO], row["views"]


def video_caption(videos: VideoViews) -> str:
    """Caption of the YouTube table."""
    return f"YouTube views per video, {videos.period.long_label}, {videos.scope}"


def video_note(videos: VideoViews) -> str:
    """How the year's views are worked out from the cumulative totals."""
    start, end = month_label(videos.start), month_label(videos.end)
    return (
        f"YouTube reports each video's total views since it was published. Views in {videos.period.label} "
        f"= the total in {end} minus the total in {start}, as the published report works them out; a "
        f"video first recorded after {start} is counted in full. [x]: no total recorded for that month "
        "(not yet published, or missing)."
    )


def video_chart_title(videos: VideoViews) -> str:
    """The finding: how concentrated the year's views were."""
    top = video_top(videos)
    if not top or not videos.total:
        return f"YouTube views, {videos.period.label}"
    return (
        f"The most-watched video had {percent(top[1] / videos.total)} of the "
        f"{count(videos.total)} views in {videos.period.label}"
    )


def video_chart_description(videos: VideoViews) -> str:
    """What the YouTube bar chart shows, in words."""
    known = videos.videos.drop_nulls("views").sort("views", descending=True, maintain_order=True)
    items = [f"{v} {count(n)}" for v, n in known.select(VIDEO, "views").iter_rows()]
    return (
        f"Bar chart of YouTube views per video in {videos.period.label} ({videos.scope}), most viewed first: "
        f"{_and(items)}. The table above gives every figure."
    )


def mailing_caption(listing: MailingList) -> str:
    """Caption of the mailing list table."""
    return f"Mailing list {listing.metric.lower()}, {listing.scope}"


def mailing_note(listing: MailingList) -> str:
    """Which figures are compared."""
    if listing.previous:
        return (
            f"A count at a point in time: the latest figure loaded for {listing.period.label} against the "
            "latest for the year before. The change is of the earlier figure."
        )
    return f"The latest figure loaded for {listing.period.label}; none is loaded for the year before."
