import functools

from django import template
from django.utils.html import json_script

from schoolwell.reports import charts
from schoolwell.reports.plotly_assets import maplibre_style_id

register = template.Library()


@register.inclusion_tag("reports/_charts_head.html")
def charts_head():
    return {}


@register.inclusion_tag("reports/_charts_scripts.html")
def charts_scripts():
    return {"maplibre_style_id": maplibre_style_id()}


@register.simple_tag
@functools.cache
def plotly_template():
    """The figures' shared plotly template as a JSON data block (charts.js reads it)."""
    return json_script(charts.template(), "plotly-template")
