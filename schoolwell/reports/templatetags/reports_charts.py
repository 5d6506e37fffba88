from django import template

from schoolwell.reports.plotly_assets import maplibre_style_id

register = template.Library()


@register.inclusion_tag("reports/_charts_head.html")
def charts_head():
    return {}


@register.inclusion_tag("reports/_charts_scripts.html")
def charts_scripts():
    return {"maplibre_style_id": maplibre_style_id()}
