"""Per-language texts: `{"en": ..., "es": ...}`, English required, English as fallback."""

from __future__ import annotations

from django.utils.translation import get_language

FALLBACK = "en"


def in_language(value, language: str | None = None) -> str:
    """The text of `value` in `language` (default: the active one), else English."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    language = (language or get_language() or FALLBACK).split("-")[0]
    return value.get(language) or value.get(FALLBACK) or ""


def search_text(*values) -> str:
    """Every language of the given texts/lists of texts, lower-cased, for the library search."""
    parts: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                parts.extend(str(text) for text in item.values() if text)
    return "\n".join(parts).lower()
