from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def itext(intervention, field: str) -> str:
    """A catalogue text (name, description, dose) in the reader's language."""
    return intervention.text(field, (get_language() or "en")[:2])


@register.filter
def signed(value) -> str:
    if value is None:
        return "–"
    return f"{value:+g}"


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{value:.0%}"
