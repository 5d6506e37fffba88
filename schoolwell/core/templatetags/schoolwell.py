from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}` for dicts keyed by a variable."""
    return mapping.get(key, []) if mapping else []
