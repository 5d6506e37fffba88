"""WCAG AA on the shared palette: text 4.5:1 on the backgrounds it is used on, focus rings
3:1 against their surroundings (1.4.11). Computed from the stylesheet itself."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "schoolwell" / "static" / "css" / "schoolwell.css"


def _palette() -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", CSS.read_text()))


def _luminance(colour: str) -> float:
    hexes = colour.lstrip("#")
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    channels = [int(hexes[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_PAIRS = [
    ("ink", "#fff"), ("muted", "#fff"), ("accent", "#fff"), ("accent-ink", "accent"),
    ("ok", "#fff"), ("warn", "#fff"), ("bad", "#fff"), ("muted", "bg"),
    ("bad", "urgent-bg"), ("warn", "high-bg"), ("accent", "routine-bg"), ("muted", "high-bg"),
]  # fmt: skip


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_colours_meet_aa(fg, bg):
    palette = _palette()
    assert contrast(palette.get(fg, fg), palette.get(bg, bg)) >= 4.5


def test_focus_rings_stand_out_on_white_and_on_the_header():
    palette = _palette()
    assert contrast(palette["focus-dark"], "#fff") >= 3
    assert contrast(palette["focus-dark"], palette["bg"]) >= 3
    header_focus = re.search(r"\.site-header \{[^}]*--focus:\s*(#[0-9a-fA-F]{6})", CSS.read_text())
    assert contrast(header_focus.group(1), palette["accent"]) >= 3
