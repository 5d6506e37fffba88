"""plotly.js, served from the installed plotly package, under a strict CSP.

plotly.js adds its stylesheet as an inline <style> element, which `style-src 'self'`
blocks. It skips that when an element with id "plotly.js-style-global" and class
"no-inline-styles" exists, so we generate the same rules into a static CSS file (from the
bundle itself, so it always matches the version installed) and link it with that id. The
bundled maplibre (map traces, which we never draw) injects its own <style> unless an element
with its style id exists; the chart scripts include an empty element with that id.
"""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
STATIC_DIR = "reports/vendor"

_VERSION = re.compile(r"plotly\.js v(\d+\.\d+\.\d+)")
_RULES = re.compile(r'=\{"X,X div".*?\};for\(', re.S)
_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')
_MAPLIBRE_ID = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var \w=document\.createElement\("style"\)'
)


@functools.cache
def _bundle() -> str:
    return PLOTLY_JS.read_text(encoding="utf-8")


@functools.cache
def plotly_version() -> str:
    match = _VERSION.search(_bundle()[:500])
    return match.group(1) if match else "unknown"


@functools.cache
def global_css() -> str:
    """plotly.js's global style rules, as plotly.js itself would insert them."""
    block = _RULES.search(_bundle())
    if block is None:
        raise RuntimeError("plotly.js style rules not found: check the plotly upgrade")
    rules = []
    for selector, double, single in _RULE.findall(block.group(0)):
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{selector}{{{double or single}}}")
    # plotly.js inserts each rule at index 0, so the first rule ends up last in the sheet.
    return "\n".join(reversed(rules)) + "\n"


@functools.cache
def maplibre_style_id() -> str:
    match = _MAPLIBRE_ID.search(_bundle())
    return match.group(1) if match else ""


@functools.cache
def generated_dir() -> Path:
    """A directory holding plotly.css for this plotly version (written once per process)."""
    directory = Path(tempfile.gettempdir()) / f"schoolwell-plotly-{plotly_version()}"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "plotly.css"
    css = global_css()
    if not target.exists() or target.read_text(encoding="utf-8") != css:
        partial = directory / f"plotly.css.{id(css)}.tmp"
        partial.write_text(css, encoding="utf-8")
        partial.replace(target)
    return directory
