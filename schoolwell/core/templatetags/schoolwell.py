from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}` for dicts keyed by a variable."""
    return mapping.get(key, []) if mapping else []


@register.filter
def language_names(codes) -> str:
    """`{{ provider.languages|language_names }}`: "en, es" as "English, español", each language
    named in itself as the language menu does (readable by a speaker of either); an unknown
    code is shown as it is."""
    names = []
    for code in codes or ():
        try:
            names.append(get_language_info(code)["name_local"])
        except KeyError:
            names.append(code)
    return ", ".join(names)
