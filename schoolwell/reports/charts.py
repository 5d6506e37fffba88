"""The one chart helper: Plotly figures built in Python, drawn by a static script.

Pages include a chart with `{% include "reports/_chart.html" with chart=... %}`: the figure
travels as a `<script type="application/json">` data block (never executed, so the
Content-Security-Policy's script-src 'self' holds) and `reports/charts.js` draws it with the
plotly.js that `finders.PlotlyFinder` serves from the installed package (no CDN).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from schoolwell.reports.suppression import SuppressedTable

PALETTE = ["#1f5f8b", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#9b2c2c", "#2c7a7b"]
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
    return Chart(chart_id, title, json.loads(figure.to_json()), footnote)


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    y_title: str = "",
    stacked: bool = False,
    horizontal_lines: Sequence[tuple[float, str]] = (),
    footnote: str = "",
) -> Chart:
    figure = go.Figure(
        data=[
            go.Bar(name=name, x=list(categories), y=list(values)) for name, values in series.items()
        ],
        layout=_layout(y_title=y_title, barmode="stack" if stacked else "group"),
    )
    for y, label in horizontal_lines:
        figure.add_hline(y=y, line_dash="dash", line_color="#9b2c2c", annotation_text=label)
    return chart(chart_id, title, figure, footnote)


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
    chart_id: str, title: str, table: SuppressedTable, *, y_title: str = "", stacked=False
) -> Chart:
    """A bar per row and column of a suppressed table; hidden cells are simply not drawn."""
    series = {label: table.column(i) for i, label in enumerate(table.column_labels)}
    footnote = table.footnote if table.any_suppressed else ""
    return bar_chart(
        chart_id,
        title,
        table.row_labels,
        series,
        y_title=y_title,
        stacked=stacked,
        footnote=footnote,
    )
