from django import template

from schoolwell.alerts import selectors

register = template.Library()


@register.inclusion_tag("alerts/_referral_deliveries.html", takes_context=True)
def referral_deliveries(context, referral):
    """The referral page's "Alert delivery" section: each recipient and channel's state."""
    return {
        "deliveries": selectors.referral_deliveries(user=context["request"].user, referral=referral)
    }
