"""The alerts demo: deliveries sent, retrying and given up with their escalation, and the
demo counsellor's notification settings; idempotent."""

import io
import random

from schoolwell.alerts import demo
from schoolwell.alerts.models import Delivery, Kind, NotificationSettings, State
from schoolwell.core import demo as core_demo
from schoolwell.referrals import demo as referrals_demo


def seed(district):
    out = io.StringIO()
    demo.seed_deliveries(district, random.Random(1), out)
    return out.getvalue()


def test_demo_shows_every_delivery_state_and_is_idempotent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # alerts are sent, as in seed_demo
        district = core_demo.build_roster()
        referrals_demo.seed_rules_and_on_call(district, random.Random(1), io.StringIO())
        referrals_demo.seed_referrals(district, random.Random(1), io.StringIO())
        assert "given up" in seed(district)
    states = set(Delivery.objects.values_list("state", flat=True))
    assert {State.SENT, State.RETRYING, State.GAVE_UP} <= states
    failed = Delivery.objects.get(state=State.GAVE_UP)
    escalations = Delivery.objects.filter(escalated_from=failed)
    assert escalations.exists()
    assert set(escalations.values_list("kind", flat=True)) == {Kind.DELIVERY_FAILED}
    assert set(escalations.values_list("state", flat=True)) == {State.SENT}
    settings = NotificationSettings.objects.get(user__username="counsellor")
    assert settings.audiences[Kind.HIGH] == "all"

    before = Delivery.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert seed(district) == ""
    assert Delivery.objects.count() == before
