from django import template

from schoolwell.consent.models import Purpose

register = template.Library()


@register.filter
def purpose_label(value: str) -> str:
    try:
        return Purpose(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


@register.filter
def cells(row, states) -> list[int]:
    return row.cells(states)
