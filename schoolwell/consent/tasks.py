"""Background work of consent: the emails that ask families for a decision."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from schoolwell.accounts.models import User
from schoolwell.consent.models import ConsentForm, ConsentNotice
from schoolwell.core.figures import school_consent_changed
from schoolwell.roster.models import Student


@shared_task
def consent_emails_send(
    *, form_id: int, pairs: list[list[int]], sent_by_id: int | None = None, portal_url: str = ""
) -> int:
    """Email each guardian once, in their language, about `form` for their children among
    `pairs` ([student_id, guardian_id]); record a ConsentNotice per child as it is sent
    (a first notice starts a passive notice period). Returns the number of emails sent."""
    form = ConsentForm.objects.select_related("school").get(pk=form_id)
    wanted = {(s, g) for s, g in pairs}
    students = Student.objects.in_bulk({s for s, _ in wanted})
    guardians = User.objects.in_bulk({g for _, g in wanted})
    noticed = set(
        ConsentNotice.objects.filter(
            form=form, student_id__in=students, guardian_id__in=guardians
        ).values_list("student_id", "guardian_id")
    )
    children: dict[int, list[Student]] = defaultdict(list)
    for student_id, guardian_id in sorted(wanted):
        if student_id in students and guardian_id in guardians:
            children[guardian_id].append(students[student_id])
    sent = 0
    try:
        for guardian_id, kids in children.items():
            guardian = guardians[guardian_id]
            if not guardian.email:
                continue  # no address: the school sends a letter home instead
            reminder = any((kid.pk, guardian_id) in noticed for kid in kids)
            _message(form, guardian, kids, reminder=reminder, portal_url=portal_url).send()
            now = timezone.now()
            ConsentNotice.objects.bulk_create(
                ConsentNotice(
                    student=kid,
                    guardian=guardian,
                    form=form,
                    kind=ConsentNotice.Kind.REMINDER
                    if (kid.pk, guardian_id) in noticed
                    else ConsentNotice.Kind.NOTICE,
                    via=ConsentNotice.Via.EMAIL,
                    sent_at=now,
                    sent_by_id=sent_by_id,
                )
                for kid in kids
            )
            sent += 1
    finally:
        # A first notice starts a notice period: consent coverage moves (each email commits
        # its notices, so even a run that fails midway moved it).
        school_consent_changed([form.school_id])
    return sent


def _message(form, guardian, kids, *, reminder: bool, portal_url: str) -> EmailMessage:
    # The guardian's own language, whatever language the sender uses.
    with translation.override(guardian.preferred_language or "en"):
        text = form.text()
        context = {
            "guardian_name": guardian.get_full_name() or guardian.username,
            "school": form.school.name,
            "form_text": text,
            "children": [kid.display_name for kid in kids],
            "passive": form.passive,
            "deadline": timezone.localdate() + dt.timedelta(days=form.notice_days),
            "reminder": reminder,
            "portal_url": portal_url,
        }
        subject = render_to_string("consent/email/request_subject.txt", context)
        body = render_to_string("consent/email/request_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[guardian.email])
