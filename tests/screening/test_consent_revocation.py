"""Rule 2: revocation blocks the next screening at once; earlier results are kept and marked."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.consent.models import Channel, ConsentDecision, Decision
from schoolwell.consent.services import consent_revoke
from schoolwell.roster.services import guardian_link_set
from schoolwell.screening.models import ScreeningResult
from schoolwell.screening.services import ScreeningInputError, screening_result_record
from tests.conftest import make_user
from tests.screening.conftest import screening_form

pytestmark = pytest.mark.django_db


def srss_answers(instrument) -> dict:
    return {item["id"]: 1 for item in instrument.definition["items"]}


def test_revocation_marks_earlier_results_and_blocks_the_next(
    instruments, teacher, student_a, srss_window
):
    form = screening_form(student_a.school)
    guardian = make_user("guardian-revokes")
    guardian_link_set(guardian=guardian, student=student_a)
    ConsentDecision.objects.create(
        student=student_a,
        guardian=guardian,
        form=form,
        decision=Decision.GRANTED,
        channel=Channel.PORTAL,
        recorded_by=guardian,
        at=timezone.now() - dt.timedelta(days=1),
    )
    kept = screening_result_record(
        student=student_a,
        instrument=instruments["srss-ie"],
        answers=srss_answers(instruments["srss-ie"]),
        by=teacher,
        window=srss_window,
    )
    assert kept.consent_revoked_at is None

    consent_revoke(
        student=student_a,
        guardian=guardian,
        form=form,
        channel=Channel.PORTAL,
        recorded_by=guardian,
    )

    kept.refresh_from_db()
    assert kept.consent_revoked_at is not None  # kept, and marked
    with pytest.raises(ScreeningInputError):
        screening_result_record(
            student=student_a,
            instrument=instruments["srss-ie"],
            answers=srss_answers(instruments["srss-ie"]),
            by=teacher,
            window=srss_window,
        )
    assert list(ScreeningResult.objects.values_list("pk", flat=True)) == [kept.pk]
