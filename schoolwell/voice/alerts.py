"""What a "wants to talk" alert says (alerts outbox message codes `voice.*`), rendered at
send time in the recipient's language. Emails name no student: mailboxes are less
protected than the app; the request itself is on the recipient's home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.alerts import messages
from schoolwell.alerts.models import Delivery
from schoolwell.roster.models import School
from schoolwell.voice.models import StudentCheckIn


def _render(delivery: Delivery) -> messages.Rendered:
    checkin = StudentCheckIn.objects.select_related("student").get(pk=delivery.params["checkin"])
    school = School.objects.get(pk=delivery.school_id)
    path = reverse("voice:talk", args=[checkin.pk])
    link = messages.absolute_url(path)
    values = {"school": school.name, "student": checkin.student.display_name, "link": link}
    if delivery.message_code == "voice.delivery_failed":
        subject = _("SchoolWell: an alert that a student wants to talk was not delivered")
        text = _("Not delivered: %(student)s wants to talk today") % values
        body = (
            _(
                "An alert that a student at %(school)s wants to talk today could not be delivered. "
                "Make sure an adult talks with them today.\n\nOpen it in SchoolWell: %(link)s"
            )
            % values
        )
        summary = _("A wants-to-talk alert was not delivered (%(school)s)") % values
    else:
        subject = _("SchoolWell: a student wants to talk with someone today")
        text = _("%(student)s wants to talk with an adult today") % values
        body = (
            _(
                "A student at %(school)s asked in their check-in to talk with an adult today.\n\n"
                "Open SchoolWell to see who: %(link)s\n\n"
                "Details are only in SchoolWell, never in email."
            )
            % values
        )
        summary = _("A student wants to talk today (%(school)s)") % values
    return messages.Rendered(subject=subject, body=body, summary=summary, text=text, path=path)


def _deliver_in_app(delivery: Delivery, rendered: messages.Rendered) -> None:
    """Nothing to write: the request is listed under "needs action today" on the adult's
    home page until someone has talked with the student (panels.action_items)."""


def _escalate_to(delivery: Delivery) -> list:
    """The school's counsellors and administrators."""
    people = {u.pk: u for u in gate.counsellors_of([delivery.school_id])}
    people.update({u.pk: u for u in gate.administrators_of([delivery.school_id])})
    return sorted(people.values(), key=lambda u: u.pk)


def register_messages() -> None:
    kind = messages.MessageType(
        render=_render, deliver_in_app=_deliver_in_app, escalate_to=_escalate_to
    )
    for code in ("voice.wants_to_talk", "voice.delivery_failed"):
        messages.register(code, kind)
