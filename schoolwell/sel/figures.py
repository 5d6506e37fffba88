"""The coverage page's Plotly figures, built from `selectors.coverage_report` rows and
drawn by the Reports chart helper (`reports.charts.chart`, `reports/_chart.html`)."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from schoolwell.reports.charts import Chart, chart
from schoolwell.sel.models import Competency
from schoolwell.sel.selectors import Coverage
from schoolwell.sel.texts import in_language

# Colours match the stylesheet's status colours (AA contrast on white).
STATUS_COLOURS = {"delivered": "#1a7f37", "skipped": "#9a6700", "overdue": "#b42318"}
UPCOMING_COLOUR = "#8c959f"
MAX_BAR_SERIES = 6
SERIES_COLOURS = ["#0b5cad", "#1a7f37", "#9a6700", "#8250df", "#b42318", "#1b7c83"]


def _layout(**extra) -> dict:
    return {
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1f24"},
        "legend": {"orientation": "h", "y": -0.15},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        **extra,
    }


def _wrap(label: str) -> str:
    """Two lines for a competency name, so five fit side by side."""
    if " " in label:
        return label.replace(" ", "<br>", 1)
    return label.replace("-", "-<br>", 1)


def status_chart(rows: list[Coverage]) -> Chart:
    """Per row: lessons delivered, skipped, overdue and still to come, stacked."""
    labels = [row.label for row in rows]
    series = [
        (_("Delivered"), [r.delivered for r in rows], STATUS_COLOURS["delivered"]),
        (_("Skipped"), [r.skipped for r in rows], STATUS_COLOURS["skipped"]),
        (pgettext("lessons", "Overdue"), [r.overdue for r in rows], STATUS_COLOURS["overdue"]),
        (_("Still to come"), [r.scheduled - r.due for r in rows], UPCOMING_COLOUR),
    ]
    fig = go.Figure(
        [
            go.Bar(name=name, y=labels, x=values, orientation="h", marker_color=colour)
            for name, values, colour in series
        ]
    )
    fig.update_layout(
        _layout(
            barmode="stack",
            title=_("Lessons planned: delivered, skipped, overdue"),
            height=140 + 28 * len(rows),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"title": _("Lessons"), "dtick": 1 if len(rows) < 4 else None},
        )
    )
    return chart("status-chart", _("Lessons delivered, skipped and overdue per class"), fig)


def competency_chart(rows: list[Coverage], competencies: list[Competency]) -> Chart:
    """Minutes delivered per competency: grouped bars for a few rows, a heatmap for many
    (where a red cell is a competency that row never touched)."""
    if len(rows) > MAX_BAR_SERIES:
        fig = _competency_heatmap(rows, competencies)
    else:
        fig = _competency_bars(rows, competencies)
    return chart("competency-chart", _("Minutes delivered per competency"), fig)


def _competency_bars(rows: list[Coverage], competencies: list[Competency]) -> go.Figure:
    names = [_wrap(in_language(c.name)) for c in competencies]
    fig = go.Figure(
        [
            go.Bar(
                name=row.label,
                x=names,
                y=[row.minutes_for(c.code) for c in competencies],
                marker_color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
            )
            for index, row in enumerate(rows)
        ]
    )
    fig.update_layout(
        _layout(
            barmode="group",
            title=_("Minutes per competency"),
            height=420,
            yaxis={"title": _("Minutes"), "rangemode": "tozero"},
            xaxis={"automargin": True, "tickangle": 0},
        )
    )
    return fig


def _competency_heatmap(rows: list[Coverage], competencies: list[Competency]) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(
            z=[[row.minutes_for(c.code) for c in competencies] for row in rows],
            x=[_wrap(in_language(c.name)) for c in competencies],
            y=[row.label for row in rows],
            zmin=0,
            # Zero minutes stand out in red; delivered minutes shade from light to dark blue.
            colorscale=[[0, "#fde8e7"], [0.0001, "#e8f1fb"], [1, "#0b5cad"]],
            texttemplate="%{z}",
            hovertemplate="%{y} · %{x}: %{z} min<extra></extra>",
            # The cells carry their numbers; plotly.js's colour bar sets style attributes,
            # which our CSP blocks (style-src 'self').
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        _layout(
            title=_("Minutes per competency"),
            height=160 + 28 * len(rows),
            margin={"l": 10, "r": 10, "t": 100, "b": 10},
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"side": "top", "automargin": True, "tickangle": 0},
        )
    )
    return fig
