"""Serve plotly.js (and its stylesheet) from the installed plotly package, never a CDN.

Listed in STATICFILES_FINDERS, so `collectstatic` copies both (and WhiteNoise compresses and
fingerprints them) like any of our own files; the version always matches the Python package.
"""

from __future__ import annotations

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

from schoolwell.reports.plotly_assets import PLOTLY_JS, STATIC_DIR, generated_dir

PLOTLY_JS_PATH = f"{STATIC_DIR}/plotly.min.js"
PLOTLY_CSS_PATH = f"{STATIC_DIR}/plotly.css"


class PlotlyFinder(BaseFinder):
    def _storages(self):
        js = FileSystemStorage(location=str(PLOTLY_JS.parent))
        css = FileSystemStorage(location=str(generated_dir()))
        for storage in (js, css):
            storage.prefix = STATIC_DIR
        return [("plotly.min.js", js), ("plotly.css", css)]

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        found = []
        if path == PLOTLY_JS_PATH:
            found = [str(PLOTLY_JS)]
        elif path == PLOTLY_CSS_PATH:
            found = [str(generated_dir() / "plotly.css")]
        if find_all or kwargs.get("all"):
            return found
        return found[0] if found else []

    def list(self, ignore_patterns):
        yield from self._storages()
