from django import template

from schoolwell.referrals import content, texts
from schoolwell.referrals.models import Priority, ReferralEvent, ReferralReason

register = template.Library()


@register.filter
def event_text(event: ReferralEvent) -> str:
    return texts.event_text(event)


@register.filter
def priority_css(value) -> str:
    return Priority(value).css


@register.filter
def reason_text(reason: ReferralReason) -> str:
    return texts.reason_text(reason)


@register.filter
def concern_labels(codes) -> str:
    return ", ".join(content.concern_label(code) for code in codes)
