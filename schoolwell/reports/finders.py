"""Serve plotly.js from the installed plotly package as a static file (never from a CDN).

Listed in STATICFILES_FINDERS, so `collectstatic` copies it (and WhiteNoise compresses and
fingerprints it) like any of our own files; the version always matches the Python package.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "reports/vendor/plotly.min.js"
_SOURCE_DIR = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(_SOURCE_DIR))
        self.storage.prefix = str(Path(PLOTLY_STATIC_PATH).parent)

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return []
        found = str(_SOURCE_DIR / "plotly.min.js")
        return [found] if (find_all or kwargs.get("all")) else found

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
