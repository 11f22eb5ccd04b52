"""Charts in the house style, published as inline SVG that works offline and has a text alternative.

Palette: UK Analysis Function categorical colours. Every chart gets a title that states the finding,
a subtitle saying what is measured, and an accessible name and description; the same numbers are
always in a table beside it, and series differ by dash and point shape as well as colour.
"""

from __future__ import annotations

import re
from html import escape

import altair as alt
import vl_convert
from IPython.display import HTML

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
TEXT = "#0B0C0C"
FONT = "Arial, Helvetica, sans-serif"
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]
SHAPES = ["circle", "square", "triangle-up", "diamond"]
# Room left of the row labels: a reader's browser may draw them in a wider fallback font than the
# one vl-convert measured (seen: DejaVu for Arial), which would cut off their first letters.
LABEL_ROOM = {"left": 48, "top": 5, "right": 10, "bottom": 5}


@alt.theme.register("sendiass", enable=True)
def theme() -> alt.theme.ThemeConfig:
    """Analysis Function style: plain background, dark text, light gridlines, palette in order."""
    return {
        "config": {
            "aria": False,  # the whole figure is one img with its own name and description
            "background": "white",
            "font": FONT,
            "view": {"stroke": None},
            "range": {"category": PALETTE},
            "title": {
                "anchor": "start",
                "color": TEXT,
                "fontSize": 18,
                "subtitleColor": TEXT,
                "subtitleFontSize": 14,
                "offset": 12,
            },
            "axis": {
                "labelColor": TEXT,
                "titleColor": TEXT,
                "labelFontSize": 13,
                "titleFontSize": 13,
                "gridColor": "#D9D9D9",
                "domainColor": "#6F777B",
                "tickColor": "#6F777B",
            },
            "legend": {
                "labelColor": TEXT,
                "titleColor": TEXT,
                "labelFontSize": 13,
                "titleFontSize": 13,
                "orient": "bottom",
            },
        }
    }


def line_by_series(
    data,
    x: str,
    y: str,
    series: str,
    x_title: str,
    y_title: str,
    title: str,
    subtitle: str,
    emphasise=None,
    y_format: str | None = None,
    x_order: list[str] | None = None,
) -> alt.Chart:
    """Lines per series with distinct dash and point shape; `emphasise` draws one series thicker;
    `y_format` is a d3 format for the y axis ("%" for fractions shown as percentages); `x_order` fixes
    the order of the x values (else the order they come in, which a hidden value can upset)."""
    order = list(dict.fromkeys(data[series]))
    # The latest series (drawn last) gets the darkest colour and a solid line.
    colours = PALETTE[: len(order)][::-1]
    dashes = DASHES[: len(order)][::-1]
    scale = {"domain": order}
    width = alt.condition(alt.datum[series] == emphasise, alt.value(3.5), alt.value(2))
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=x_order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format) if y_format else alt.Undefined),
        color=alt.Color(f"{series}:N", title=None, scale=alt.Scale(**scale, range=colours)),
    )
    lines = base.mark_line().encode(
        # Same field, title and domain as colour and shape, so Vega-Lite merges them into one
        # legend (legend=None here would drop the merged legend altogether).
        strokeDash=alt.StrokeDash(f"{series}:N", title=None, scale=alt.Scale(**scale, range=dashes)),
        strokeWidth=width,
    )
    points = base.mark_point(filled=True, size=45, opacity=1).encode(
        shape=alt.Shape(f"{series}:N", title=None, scale=alt.Scale(**scale, range=SHAPES)),
    )
    return (lines + points).properties(
        width="container", height=320, title=alt.Title(title, subtitle=subtitle)
    )


def figure(chart: alt.Chart, name: str, description: str, width: int = 720) -> HTML:
    """The chart as an inline SVG figure: role=img, <title> from the chart title, <desc>."""
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
    # Vega labels its inner groups with ARIA roles of its own (some unnamed, which axe rejects);
    # the figure is one image, named and described on its outer <svg>, so those go.
    svg = re.sub(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"', "", vl_convert.vegalite_to_svg(spec))
    title = spec.get("title", {})
    label = title.get("text", name) if isinstance(title, dict) else str(title)
    ident = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    accessible = (
        f'<title id="{ident}-title">{escape(label)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )
    svg = re.sub(
        r"<svg ([^>]*)>",
        lambda m: (
            f'<svg {m.group(1)} role="img" aria-labelledby="{ident}-title" '
            f'aria-describedby="{ident}-desc" focusable="false">{accessible}'
        ),
        svg,
        count=1,
    )
    return HTML(f'<figure class="chart" id="{ident}" tabindex="0">{svg}</figure>')


def bars_by_label(
    data,
    label: str,
    value: str,
    x_title: str,
    title: str,
    subtitle: str,
    order: list[str] | None = None,
    as_percent: bool = True,
) -> alt.Chart:
    """Horizontal bars in `order` (default: largest first), each with its value printed at the end
    (a percentage when the values are fractions, else a count), so no reading depends on colour or
    on the axis alone."""
    order = order or list(data.sort(value, descending=True, maintain_order=True)[label])
    # Long tick labels ("180,000") are thinned rather than run into each other.
    axis = (
        alt.Axis(format="%", labelOverlap=True)
        if as_percent
        else alt.Axis(format=",d", tickMinStep=1, labelOverlap=True)
    )
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", title=None, sort=order, axis=alt.Axis(labelLimit=300)),
        x=alt.X(f"{value}:Q", title=x_title, axis=axis),
    )
    bars = base.mark_bar(color=PALETTE[0])
    text = base.mark_text(align="left", dx=4, color=TEXT, fontSize=12).encode(
        text=alt.Text(f"{value}:Q", format=".1%" if as_percent else ",d")
    )
    return (bars + text).properties(
        width="container",
        height=24 * len(order),
        title=alt.Title(title, subtitle=subtitle),
        padding=LABEL_ROOM,
    )


def dots_with_interval(
    data, label: str, value: str, low: str, high: str, x_title: str, title: str, subtitle: str | list[str]
) -> alt.Chart:
    """A dot per row (in data order) for a fraction, its interval as a capped line, the value printed.

    Nothing is read from colour or from the axis alone; the axis runs 0-100% so rows compare at a glance.
    """
    order = list(data[label])
    scale = alt.Scale(domain=[0, 1])
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    )
    line = base.mark_rule(color=PALETTE[0], strokeWidth=2).encode(
        x=alt.X(f"{low}:Q", title=x_title, scale=scale, axis=alt.Axis(format="%")), x2=f"{high}:Q"
    )
    caps = [
        base.mark_tick(color=PALETTE[0], thickness=2, size=12).encode(x=alt.X(f"{end}:Q", scale=scale))
        for end in (low, high)
    ]
    dots = base.mark_point(filled=True, size=90, opacity=1, color=PALETTE[0]).encode(
        x=alt.X(f"{value}:Q", scale=scale)
    )
    text = base.mark_text(align="left", dx=8, color=TEXT, fontSize=12).encode(
        x=alt.X(f"{high}:Q", scale=scale), text=alt.Text(f"{value}:Q", format=".0%")
    )
    return alt.layer(line, *caps, dots, text).properties(
        width="container",
        height=30 * len(order),
        title=alt.Title(title, subtitle=subtitle),
        padding=LABEL_ROOM,
    )
