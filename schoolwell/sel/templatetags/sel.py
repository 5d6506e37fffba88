from django import template

from schoolwell.sel.texts import in_language as _in_language

register = template.Library()


@register.filter
def in_language(value) -> str:
    """`{{ lesson.title|in_language }}`: the reader's language, falling back to English."""
    return _in_language(value)
