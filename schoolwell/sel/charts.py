"""Plotly charts under a strict CSP (script-src 'self'): no inline script, no CDN.

A figure is built in Python with plotly.graph_objects, emitted as a JSON data block
(`<script type="application/json">`, which browsers never execute) by the template tag
`{% plotly_figure fig "dom-id" %}`, and drawn by the static `sel/plotly-figures.js` with
plotly.js served from the installed plotly package by `plotly_js` (never a CDN).
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly
from django.http import FileResponse
from django.views.decorators.http import require_GET

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_VERSION = plotly.__version__


def figure_data(fig) -> dict:
    """The figure as plain JSON data (numpy arrays and all) for `json_script`."""
    return json.loads(fig.to_json())


@require_GET
def plotly_js(request):
    """plotly.min.js from the installed package; the URL carries the version, so it can be
    cached for a year."""
    response = FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript")
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
