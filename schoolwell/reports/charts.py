"""The one chart helper: Plotly figures built in Python, drawn by a static script.

Pages include a chart with `{% include "reports/_chart.html" with chart=... %}`: the figure
travels as a `<script type="application/json">` data block (never executed, so the
Content-Security-Policy's script-src 'self' holds) and `reports/charts.js` draws it with the
plotly.js that `finders.PlotlyFinder` serves from the installed package (no CDN).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from schoolwell.reports.suppression import SuppressedTable

# Distinct colours for series with no meaning of their own; red is kept out of it, since red
# means alarm (the overdue line, refused states) and must never colour a good state.
PALETTE = [
    "#1f5f8b",
    "#c05621",
    "#2f855a",
    "#6b46c1",
    "#b7791f",
    "#2c7a7b",
    "#97266d",
    "#4a5568",
    "#63b3ed",
    "#744210",
    "#68d391",
    "#b794f4",
    "#f6ad55",
]
GOOD, WAITING, BAD, NEUTRAL = "#2f855a", "#b7791f", "#9b2c2c", "#718096"
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


@dataclass(frozen=True)
class Chart:
    """What a page needs: an element id, an accessible title, the figure and a footnote."""

    id: str
    title: str
    figure: dict
    footnote: str = ""


def _layout(y_title: str = "", x_title: str = "", **extra) -> dict:
    # No title inside the figure: the page's heading names it, and the chart element
    # carries it as its accessible name (aria-label).
    return {
        "font": FONT,
        "colorway": PALETTE,
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "xaxis": {"title": {"text": x_title}, "gridcolor": "#e5e9ee"},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e5e9ee", "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        **extra,
    }


def chart(chart_id: str, title: str, figure: go.Figure, footnote: str = "") -> Chart:
    # plotly's own encoder turns dates and numpy values into JSON the browser side accepts.
    data = json.loads(figure.to_json())
    data["layout"].pop("template", None)  # the page carries it once (`template`)
    return Chart(chart_id, title, data, footnote)


@functools.cache
def template() -> dict:
    """plotly.py's default look, which `go.Figure` embeds in every figure (7 KB): a page
    with charts carries it once and charts.js gives it to each figure (13 copies were two
    thirds of a district dashboard's bytes and of its JSON encoding)."""
    return go.Figure().to_plotly_json()["layout"]["template"]


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    y_title: str = "",
    stacked: bool = False,
    footnote: str = "",
    colors: dict[str, str] | None = None,
    horizontal: bool = False,
) -> Chart:
    """Bars per category; `colors` gives a series its meaning's colour (series name → colour),
    `horizontal` lays long category names out as rows, where they never overlap.

    The figure is the JSON `go.Figure` would make, written as plain data: plotly's
    validation of every property was most of a dashboard's cold render (13 charts)."""
    colors = colors or {}
    bars = []
    for name, values in series.items():
        bar = {"name": name, "type": "bar"}
        if horizontal:
            bar.update(y=list(categories), x=list(values), orientation="h")
        else:
            bar.update(x=list(categories), y=list(values))
        if name in colors:
            bar["marker"] = {"color": colors[name]}
        bars.append(bar)
    layout = _layout(y_title=y_title, barmode="stack" if stacked else "group")
    if horizontal:
        layout["xaxis"], layout["yaxis"] = layout["yaxis"], layout["xaxis"]
        layout["yaxis"].update(automargin=True, autorange="reversed")
        layout["height"] = 120 + 36 * len(categories)
    return Chart(chart_id, title, {"data": bars, "layout": layout}, footnote)


def line_chart(
    chart_id: str,
    title: str,
    x: Sequence,
    series: dict[str, Sequence[float | None]],
    *,
    y_title: str = "",
    y_range: tuple[float, float] | None = None,
    footnote: str = "",
) -> Chart:
    layout = _layout(y_title=y_title)
    if y_range is not None:
        layout["yaxis"]["range"] = list(y_range)
    figure = go.Figure(
        data=[
            go.Scatter(
                name=name, x=list(x), y=list(values), mode="lines+markers", connectgaps=False
            )
            for name, values in series.items()
        ],
        layout=layout,
    )
    return chart(chart_id, title, figure, footnote)


def suppressed_bar_chart(
    chart_id: str,
    title: str,
    table: SuppressedTable,
    *,
    y_title: str = "",
    stacked=False,
    colors: Sequence[str] | None = None,
    horizontal: bool = False,
) -> Chart:
    """A bar per row and column of a suppressed table; hidden cells are simply not drawn.
    `colors`: one per column (semantic colours), else the palette in order."""
    series = {label: table.column(i) for i, label in enumerate(table.column_labels)}
    footnote = table.footnote if table.any_suppressed else ""
    palette = list(colors) if colors else PALETTE
    return bar_chart(
        chart_id,
        title,
        table.row_labels,
        series,
        y_title=y_title,
        stacked=stacked,
        footnote=footnote,
        colors={label: palette[i % len(palette)] for i, label in enumerate(table.column_labels)},
        horizontal=horizontal,
    )


def student_timeline(
    chart_id: str,
    title: str,
    *,
    checkins: Sequence[tuple],
    scores: dict[str, Sequence[tuple]],
    band_lines: Sequence[tuple[str, float, str]],
    events: Sequence[tuple],
    labels: dict[str, str],
) -> Chart:
    """A student's timeline: screening scores with their instruments' band lines (top),
    check-in wellbeing 1–5 (bottom), and referral events as markers across both.

    checkins: (date, wellbeing or None, absent); scores: instrument → (when, total, band);
    band_lines: (instrument, lower bound, band label); events: (when, label).
    """
    from plotly.subplots import make_subplots

    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.55, 0.45],
        subplot_titles=[labels["scores"], labels["wellbeing"]],
    )
    # The wellbeing line keeps its own colour: no score series may share it.
    wellbeing_colour = PALETTE[2]
    colours = [c for c in PALETTE if c != wellbeing_colour]
    for index, (instrument, points) in enumerate(scores.items()):
        figure.add_trace(
            go.Scatter(
                name=instrument,
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                text=[p[2] for p in points],
                mode="lines+markers",
                marker={"size": 9, "color": colours[index % len(colours)]},
                hovertemplate="%{x|%Y-%m-%d}: %{y} (%{text})<extra>" + instrument + "</extra>",
            ),
            row=1,
            col=1,
        )
    for instrument, lower, band in band_lines:
        figure.add_hline(
            y=lower,
            row=1,
            col=1,
            line={"dash": "dot", "color": "#9aa5b1", "width": 1},
            annotation_text=f"{instrument}: {band} ≥ {lower:g}",
            annotation_position="top left",
            annotation_font={"size": 10, "color": "#4a5561"},
        )
    rated = [c for c in checkins if c[1] is not None]
    figure.add_trace(
        go.Scatter(
            name=labels["wellbeing"],
            x=[c[0] for c in rated],
            y=[c[1] for c in rated],
            mode="lines+markers",
            line={"color": wellbeing_colour},
            hovertemplate="%{x|%Y-%m-%d}: %{y}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    absent = [c[0] for c in checkins if c[2]]
    if absent:
        figure.add_trace(
            go.Scatter(
                name=labels["absent"],
                x=absent,
                y=[0.6] * len(absent),
                mode="markers",
                marker={"symbol": "x", "color": "#6b7785"},
                hovertemplate="%{x|%Y-%m-%d}<extra>" + labels["absent"] + "</extra>",
            ),
            row=2,
            col=1,
        )
    if events:
        figure.add_trace(
            go.Scatter(
                name=labels["events"],
                x=[e[0] for e in events],
                y=[5.4] * len(events),
                text=[e[1] for e in events],
                mode="markers",
                marker={"symbol": "triangle-down", "size": 11, "color": "#9b2c2c"},
                hovertemplate="%{x|%Y-%m-%d %H:%M}: %{text}<extra></extra>",
            ),
            row=2,
            col=1,
        )
        # A dotted line per event down each plotted panel. Assigned at once: plotly's
        # add_vline re-validates every shape on each call (a year of events took seconds).
        rows = ("", "2") if scores or band_lines else ("2",)
        line = {"color": "#9b2c2c", "width": 1, "dash": "dot"}
        figure.layout.shapes = (
            *figure.layout.shapes,
            *(
                {
                    "type": "line",
                    "xref": f"x{row}",
                    "yref": f"y{row} domain",
                    "x0": when,
                    "x1": when,
                    "y0": 0,
                    "y1": 1,
                    "line": line,
                }
                for when, _label in events
                for row in rows
            ),
        )
    layout = _layout(hovermode="closest", height=520, margin={"l": 48, "r": 16, "t": 32, "b": 40})
    layout.pop("xaxis"), layout.pop("yaxis")
    figure.update_layout(**layout)
    figure.update_yaxes(range=[0.4, 5.6], dtick=1, row=2, col=1, gridcolor="#e5e9ee")
    figure.update_yaxes(rangemode="tozero", row=1, col=1, gridcolor="#e5e9ee")
    figure.update_xaxes(gridcolor="#e5e9ee")
    return chart(chart_id, title, figure)


def goal_progress(
    chart_id: str,
    title: str,
    *,
    points: Sequence[tuple],
    baseline: float,
    target: float,
    trend: Sequence[tuple] = (),
    labels: dict[str, str],
    y_range: tuple[float, float] | None = None,
) -> Chart:
    """A support-plan goal: its data points, the baseline and goal lines, and the trend.

    points and trend: (date, value); labels: "points", "baseline", "target", "trend".
    """
    figure = go.Figure(
        data=[
            go.Scatter(
                name=labels["points"],
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="lines+markers",
                marker={"size": 9, "color": PALETTE[0]},
                line={"color": PALETTE[0]},
                hovertemplate="%{x|%Y-%m-%d}: %{y}<extra></extra>",
            )
        ],
        layout=_layout(hovermode="closest", height=300, showlegend=True),
    )
    if len(trend) >= 2:
        figure.add_trace(
            go.Scatter(
                name=labels["trend"],
                x=[t[0] for t in trend],
                y=[t[1] for t in trend],
                mode="lines",
                line={"color": PALETTE[1], "dash": "dash"},
                hoverinfo="skip",
            )
        )
    figure.add_hline(
        y=target,
        line={"color": PALETTE[2], "width": 2},
        annotation_text=f"{labels['target']} {target:g}",
        annotation_position="top left",
    )
    figure.add_hline(
        y=baseline,
        line={"color": "#6b7785", "width": 1, "dash": "dot"},
        annotation_text=f"{labels['baseline']} {baseline:g}",
        annotation_position="bottom left",
    )
    if y_range is not None:
        figure.update_yaxes(range=list(y_range))
    return chart(chart_id, title, figure)
