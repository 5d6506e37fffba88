from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolwell.referrals import content
from schoolwell.referrals.models import Priority, ReferralEvent, ReferralReason, Source, Status

register = template.Library()


def _status(value) -> str:
    return Status(value).label if value in Status.values else str(value)


@register.filter
def event_text(event: ReferralEvent) -> str:
    """One line saying what happened, in the reader's language, from the event's codes."""
    data, kind = event.data, event.kind
    Kind = ReferralEvent.Kind
    if kind == Kind.CREATED:
        return _("Opened as %(priority)s") % {"priority": Priority(data["priority"]).label}
    if kind == Kind.REASON_ADDED:
        return _("Reason added: %(reasons)s") % {"reasons": "; ".join(data.get("reasons", []))}
    if kind == Kind.PRIORITY_RAISED:
        return _("Priority raised from %(old)s to %(new)s") % {
            "old": Priority(data["previous"]).label,
            "new": Priority(data["priority"]).label,
        }
    if kind == Kind.STATUS_CHANGED:
        return _("Status: %(old)s → %(new)s") % {
            "old": _status(data["previous"]),
            "new": _status(data["status"]),
        }
    if kind == Kind.REFERRED_OUT:
        return _("Referred out to %(to)s") % {"to": data.get("provider") or data.get("team")}
    if kind == Kind.CLOSED:
        return _("Closed: %(outcome)s") % {"outcome": content.outcome_label(data["outcome"])}
    if kind == Kind.REASSIGNED:
        return _("Reassigned to %(name)s") % {"name": data.get("to_name", "")}
    if kind == Kind.ALERTED:
        n = len(data.get("to", []))
        return ngettext("Alert delivered to %(n)s person", "Alert delivered to %(n)s people", n) % {
            "n": n
        }
    return event.get_kind_display()


@register.filter
def priority_css(value) -> str:
    return Priority(value).css


@register.filter
def reason_text(reason: ReferralReason) -> str:
    """A staff concern in the reader's language; a rule's own summary otherwise."""
    if reason.source == Source.MANUAL:
        name = reason.raised_by.get_full_name() or reason.raised_by.username
        return _("Concern raised by %(name)s: %(concern)s") % {
            "name": name,
            "concern": content.concern_label(reason.concern_code),
        }
    return reason.summary


@register.filter
def concern_labels(codes) -> str:
    return ", ".join(content.concern_label(code) for code in codes)
