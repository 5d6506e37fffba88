"""The demo district shows the crisis steps as a school would set them up: an on-call
counsellor with a phone at each school and short steps in English and Spanish."""

import io
import random

from schoolwell.core import demo as core_demo
from schoolwell.referrals import demo as referrals_demo
from schoolwell.referrals.models import OnCall
from schoolwell.screening.crisis import crisis_card
from schoolwell.screening.services import crisis_plans_sync


def test_demo_schools_have_someone_to_call_and_short_steps(db):
    district = core_demo.build_roster()
    for _ in range(2):  # idempotent
        referrals_demo.seed_rules_and_on_call(district, random.Random(1), io.StringIO())
        crisis_plans_sync(schools=district.schools.all())
    assert OnCall.objects.count() == 2
    for school in district.schools.all():
        for language in ("en", "es"):
            card = crisis_card(school=school, language=language)
            assert 1 <= len(card.steps) <= 5
            assert [c.tel for c in card.on_call_reachable] == [c.tel for c in card.on_call]
            assert card.on_call and card.on_call[0].tel.startswith("tel:+1555010")
            assert card.fallback.tel == "tel:988" and card.next_steps
    assert crisis_card(school=school, language="es").steps[0].startswith("Quédese")
