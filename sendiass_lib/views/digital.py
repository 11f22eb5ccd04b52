"""What a reader sees of the digital appendix: the headline, where joint figures come from, and each
website's and social media platform's table and chart, and the mailing list, from metrics.digital,
youtube and mailing results (views.youtube has the YouTube table and chart)."""

from __future__ import annotations

from IPython.display import HTML, Markdown

from .. import charts, config, periods, tables
from ..formatting import count, percent
from ..metrics.digital import MONTH, ChannelMonths, month_label
from ..metrics.mailing import MailingList
from ..metrics.youtube import VIDEO, VideoViews
from .words import and_list


def headline(
    service: str,
    year: int,
    websites: list[ChannelMonths],
    social: list[ChannelMonths],
    videos: list[VideoViews],
    mailing: list[MailingList],
) -> Markdown:
    """One sentence per channel: visitors, followers, video views, mailing list."""
    year_label = periods.reporting_year(config.service(service), year).long_label
    sentences = [_flow_sentence(site, f"{_owner(site.scope)} website") for site in websites]
    sentences += [_channel_sentence(platform) for platform in social]
    sentences += [_video_sentence(video, year_label) for video in videos if video.total is not None]
    sentences += [mailing_sentence(listing) for listing in mailing]
    if not sentences:
        return Markdown(f"No digital figures are loaded for {year_label}.")
    return Markdown(" ".join(s for s in sentences if s))


def sources(service: str, shared: tuple[str, ...], conflicts: int) -> Markdown:
    """What 'joint' means on the page, and whether the services' extracts disagree on any joint figure."""
    if len(shared) < 2:
        return Markdown("Every figure here comes from the service's own extracts.")
    areas = and_list([config.service(s).area if s in config.services() else s for s in shared])
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
    return Markdown(text)


def empty(what: str, service: str, year: int) -> Markdown:
    """'No website figures are loaded for 2023.'"""
    label = periods.reporting_year(config.service(service), year).long_label
    return Markdown(f"No {what} figures are loaded for {label}.")


def _owner(scope: str) -> str:
    """'joint: Herefordshire & Worcestershire' -> 'The joint Herefordshire & Worcestershire'."""
    if scope.startswith("joint: "):
        return f"The joint {scope.removeprefix('joint: ')}"
    return "The joint" if scope == "joint" else f"The {scope}"


def website_tables(websites: list[ChannelMonths], service: str, year: int) -> list[HTML | Markdown]:
    """Each website's visitors per month, or a sentence saying none are loaded."""
    return [_channel_table(site) for site in websites] or [empty("website", service, year)]


def social_media_tables(social: list[ChannelMonths], service: str, year: int) -> list[HTML | Markdown]:
    """Each platform's figures per month, or a sentence saying none are loaded."""
    return [_channel_table(platform) for platform in social] or [empty("social media", service, year)]


def _channel_table(channel: ChannelMonths) -> HTML:
    """A channel's metrics per month with their totals; a level (followers) is not added up ([z])."""
    what = f"{channel.channel} {channel.metrics[0].lower()}" if len(channel.metrics) == 1 else channel.channel
    note = "Each figure is as reported for the month; totals add up the months with a figure."
    if channel.scope.startswith("joint"):
        note += f" The channel is shared ({channel.scope}): the same figures appear on each service's page."
    levels = None
    if channel.levels:
        counts = "is a count" if len(channel.levels) == 1 else "are counts"
        levels = (
            f"[z] not applicable: {and_list(channel.levels)} {counts} at the end of each month, so not "
            "added up."
        )
    return tables.table(
        channel.table(),
        caption=f"{what} per month, {channel.period.long_label}, {channel.scope}",
        note=note,
        not_applicable={"Total": channel.levels},
        not_applicable_note=levels,
    )


def channel_figures(channels: list[ChannelMonths]) -> list[HTML]:
    """A line chart per channel of its first level (followers) if it has one, else its first metric."""
    found = []
    for channel in channels:
        metric = _chart_metric(channel)
        chart = charts.line_by_series(
            channel.series(metric),
            x="month_short",
            y="value",
            series="series",
            x_title="Month",
            y_title=metric,
            title=channel_chart_title(channel),
            subtitle=(
                f"{channel.channel} {metric.lower()} per month, {channel.period.long_label}, {channel.scope}"
            ),
            emphasise=metric,
        )
        found.append(charts.figure(chart, f"{channel.channel}-{metric}", _channel_description(channel)))
    return found


def channel_chart_title(channel: ChannelMonths) -> str:
    """The finding: the peak month of a flow, or the change in a level."""
    metric = _chart_metric(channel)
    if metric in channel.levels:
        change = _level_change(channel, metric)
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


def _channel_description(channel: ChannelMonths) -> str:
    """What a channel's line chart shows, in words."""
    metric = _chart_metric(channel)
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


def _chart_metric(channel: ChannelMonths) -> str:
    """The metric a channel's chart shows: its first level (followers) if any, else its first metric."""
    return (channel.levels or channel.metrics)[0]


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
    metric = _chart_metric(channel)
    if metric not in channel.levels:
        return _flow_sentence(channel, f"{channel.channel} ({channel.scope})")
    change = _level_change(channel, metric)
    if change is None:
        return ""
    (first, a), (last, b) = change
    verb = "rose" if b > a else "fell" if b < a else "stayed"
    return (
        f"{channel.channel} {metric.lower()} ({channel.scope}) {verb} from {count(a)} in {first} "
        f"to {count(b)} in {last}."
    )


def _level_change(channel: ChannelMonths, metric: str) -> tuple[tuple[str, int], tuple[str, int]] | None:
    """The first and last months with a figure for a level metric, with their figures."""
    found = channel.series(metric)
    if found.height < 2:
        return None
    first, last = found.row(0, named=True), found.row(-1, named=True)
    return (first[MONTH], first["value"]), (last[MONTH], last["value"])


def _video_sentence(video: VideoViews, year_label: str) -> str:
    """'The joint ... YouTube videos were viewed 3,229 times in 2024, 1,050 of them (33%) Video A.'"""
    top = video_top(video)
    text = f"{_owner(video.scope)} YouTube videos were viewed {count(video.total)} times in {year_label}"
    if top and video.videos.height > 1:
        text += f", {count(top[1])} of them ({percent(top[1] / video.total)}) {top[0]}"
    return text + "."


def video_top(videos: VideoViews) -> tuple[str, int] | None:
    """The video with the most views in the year, and its views."""
    known = videos.videos.drop_nulls("views")
    if not known.height:
        return None
    row = known.row(known["views"].arg_max(), named=True)
    return row[VIDEO], row["views"]


def mailing_tables(mailing: list[MailingList], service: str, year: int) -> list[HTML | Markdown]:
    """The mailing list's latest figure against the year before's, or a sentence saying none is loaded."""
    found = []
    for listing in mailing:
        note = (
            f"A count at a point in time: the latest figure loaded for {listing.period.label} against the "
            "latest for the year before. The change is of the earlier figure."
            if listing.previous
            else f"The latest figure loaded for {listing.period.label}; none is loaded for the year before."
        )
        found.append(
            tables.table(
                listing.table(),
                caption=f"Mailing list {listing.metric.lower()}, {listing.scope}",
                formats={"Change": lambda x: percent(x, 2, signed=True)},
                note=note,
            )
        )
    return found or [empty("mailing list", service, year)]


def mailing_sentence(listing: MailingList) -> str:
    """'The joint ... mailing list had 1,155 subscribers in Dec 2024, up 31% from 880 in Dec 2023.'"""
    month, value = listing.current
    text = (
        f"{_owner(listing.scope)} mailing list had {count(value)} {listing.metric.lower()} "
        f"in {month_label(month)}"
    )
    if listing.change is not None:
        before_month, before = listing.previous
        direction = "up" if listing.change > 0 else "down"
        size = percent(abs(listing.change))
        text += f", {direction} {size} from {count(before)} in {month_label(before_month)}"
    return text + "."
