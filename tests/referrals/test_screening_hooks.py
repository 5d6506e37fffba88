"""The hooks wired through screening's own services: a critical answer saved on a
screener opens an urgent referral and alerts the on-call counsellor (rule 4); a concern tag
entered at check-in does the same."""

import pytest
from django.core import mail
from django.utils import timezone

from schoolwell.core.registry import checkin_hooks, screening_result_hooks
from schoolwell.referrals.models import Notification, Priority, Referral
from schoolwell.referrals.rules import checkins_evaluate, screening_result_evaluate
from schoolwell.screening.services import concern_tags_sync
from schoolwell.screening.services.checkins import CheckInEntry, checkins_record

from .conftest import grant_screening_consent, record_critical_phqa

pytestmark = pytest.mark.django_db(transaction=True)


def test_hooks_are_registered():
    assert screening_result_evaluate in screening_result_hooks
    assert checkins_evaluate in checkin_hooks


def test_critical_answer_opens_urgent_referral_and_alerts(rules_a, student_a, on_call, teacher):
    grant_screening_consent(student_a)
    result = record_critical_phqa(student_a, teacher)
    assert result.critical
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.URGENT
    assert "critical-item" in {r.rule.code for r in referral.reasons.all()}
    assert [m.to for m in mail.outbox] == [[on_call.email]]
    assert Notification.objects.filter(user=on_call, referral=referral).count() == 1


def test_concern_tag_at_check_in_opens_urgent_referral(
    rules_a, student_a, class_a, teacher, on_call
):
    concern_tags_sync()
    checkins_record(
        klass=class_a,
        teacher=teacher,
        date=timezone.localdate(),
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=2, tags=["self_harm_concern"])],
    )
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.URGENT
    assert len(mail.outbox) == 1
