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


def _rules_with_text_on_background():
    """(file, selector, colour, background) for every rule of every app stylesheet that sets
    both, resolving the shared palette's variables."""
    palette = _palette()
    resolve = lambda value: palette.get(value[6:-1], value) if value.startswith("var(") else value  # noqa: E731
    for path in sorted(Path(settings.BASE_DIR, "schoolwell").glob("*/static/*/*.css")):
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", path.read_text()):
            colour = re.search(r"(?<![-\w])color:\s*([^;]+)", body)
            background = re.search(r"background(?:-color)?:\s*([^;]+)", body)
            if colour and background:
                pair = resolve(colour.group(1).strip()), resolve(background.group(1).strip())
                if all(re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", c) for c in pair):
                    yield path.name, selector.strip(), *pair


def test_app_stylesheets_text_on_their_own_backgrounds_meets_aa():
    rules = list(_rules_with_text_on_background())
    assert any("sel-status" in selector for _, selector, _, _ in rules)  # the scan sees the apps
    failing = [r for r in rules if contrast(r[2], r[3]) < 4.5]
    assert not failing
