"""What a reader sees of the YouTube section of the digital appendix: views per video, as a table and
a chart, from metrics.youtube.youtube_views results (the headline's sentence is views.digital's)."""

from __future__ import annotations

from IPython.display import HTML, Markdown

from .. import charts, tables
from ..formatting import count, percent
from ..metrics.digital import month_label
from ..metrics.youtube import VIDEO, VideoViews
from .digital import empty, video_top
from .words import and_list


def video_tables(videos: list[VideoViews], service: str, year: int) -> list[HTML | Markdown]:
    """Each video's total views at each January and its views in the year, or a sentence saying none
    are loaded."""
    found = []
    for channel in videos:
        start, end, label = month_label(channel.start), month_label(channel.end), channel.period.label
        headings = {month_label(m): f"Total views, {month_label(m)}" for m in channel.snapshots}
        note = (
            f"YouTube reports each video's total views since it was published. Views in {label} = the "
            f"total in {end} minus the total in {start}, as the published report works them out; a video "
            f"first recorded after {start} is counted in full. [x]: no total recorded for that month (not "
            "yet published, or missing)."
        )
        found.append(
            tables.table(
                channel.table().rename({**headings, "views": f"Views in {label}"}),
                caption=f"YouTube views per video, {channel.period.long_label}, {channel.scope}",
                note=note,
            )
        )
    return found or [empty("YouTube", service, year)]


def video_figures(videos: list[VideoViews]) -> list[HTML]:
    """A bar chart of each video's views in the year."""
    found = []
    for channel in videos:
        chart = charts.bars_by_label(
            channel.videos.drop_nulls("views").select(VIDEO, "views"),
            label=VIDEO,
            value="views",
            x_title=f"Views in {channel.period.label}",
            title=video_chart_title(channel),
            subtitle=f"YouTube views per video, {channel.period.long_label}, {channel.scope}",
            as_percent=False,
        )
        found.append(charts.figure(chart, f"youtube-{channel.period.label}", _video_description(channel)))
    return found


def video_chart_title(videos: VideoViews) -> str:
    """The finding: how concentrated the year's views were."""
    top = video_top(videos)
    if not top or not videos.total:
        return f"YouTube views, {videos.period.label}"
    return (
        f"The most-watched video had {percent(top[1] / videos.total)} of the "
        f"{count(videos.total)} views in {videos.period.label}"
    )


def _video_description(videos: VideoViews) -> str:
    """What the YouTube bar chart shows, in words."""
    known = videos.videos.drop_nulls("views").sort("views", descending=True, maintain_order=True)
    items = [f"{v} {count(n)}" for v, n in known.select(VIDEO, "views").iter_rows()]
    return (
        f"Bar chart of YouTube views per video in {videos.period.label} ({videos.scope}), most viewed first: "
        f"{and_list(items)}. The table above gives every figure."
    )
