"""The rule builder: a form per kind, preview (what-if) before save, duplicate, disable,
generated names in the reader's language, and who may do any of it."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.referrals.demo import rules_install_defaults
from schoolwell.referrals.models import Priority, RuleChange, RuleKind, ThresholdRule
from schoolwell.roster.models import District, School
from schoolwell.roster.services import district_admin_add
from schoolwell.screening.models import ScreeningResult
from schoolwell.screening.services import concern_tags_sync, instrument_sync
from tests.conftest import make_student, make_user

EXPECTED_FIELDS = {
    RuleKind.SCORE_TOTAL: {"scale", "threshold"},
    RuleKind.SUBSCALE: {"scale", "threshold"},
    RuleKind.BAND: {"bands"},
    RuleKind.CRITICAL: {"instrument"},
    RuleKind.CHECKIN_LOW: {"threshold", "count", "window_school_days"},
    RuleKind.CHECKIN_DROP: {"threshold"},
    RuleKind.CONCERN_TAG: {"tags"},
    RuleKind.VOICE_LOW: {"count", "window_school_days"},
    RuleKind.VOICE_DROP: {"threshold"},
    RuleKind.VOICE_UNSAFE: {"count", "window_school_days"},
}


@pytest.fixture(autouse=True)
def _concern_tags(db):
    concern_tags_sync()  # the district's default tags, as load_instruments installs them


COMMON = {"name", "priority", "due_within", "due_unit", "weeks", "csrfmiddlewaretoken", "action"}


def _names(html: str) -> set[str]:
    form = html[html.index('class="stack narrow-form rule-builder"') :]
    form = form[: form.index("</form>")]
    return set(re.findall(r'name="([^"]+)"', form))


def _new_url(school, kind) -> str:
    return f"{reverse('referrals:rule_new')}?school={school.pk}&kind={kind}"


@pytest.mark.parametrize("kind", list(RuleKind))
def test_each_kind_shows_only_its_own_fields(client_for, school_admin, school_a, kind):
    response = client_for(school_admin).get(_new_url(school_a, kind))
    assert response.status_code == 200
    html = response.content.decode()
    assert _names(html) == EXPECTED_FIELDS[kind] | COMMON
    assert "JSON" not in html


def test_bands_and_tags_are_choices_from_the_data(client_for, school_admin, school_a):
    client = client_for(school_admin)
    bands = client.get(_new_url(school_a, RuleKind.BAND)).content.decode()
    assert 'value="phq-a::moderately-severe"' in bands
    assert "Moderately severe depression" in bands
    assert 'value="psc-17:internalizing:positive"' in bands
    assert 'value="asq::acute-positive"' in bands
    tags = client.get(_new_url(school_a, RuleKind.CONCERN_TAG)).content.decode()
    assert 'name="tags" value="withdrawn"' in tags


def _total_rule_data(**extra):
    data = {
        "scale": "phq-a:",
        "threshold": "12",
        "name": "",
        "priority": Priority.ROUTINE,
        "due_within": "10",
        "due_unit": "school_days",
        "weeks": "4",
    }
    data.update(extra)
    return data


def test_create_previews_then_saves_what_was_previewed(client_for, school_admin, school_a):
    client = client_for(school_admin)
    url = _new_url(school_a, RuleKind.SCORE_TOTAL)
    # Save straight away: shown the what-if instead, nothing saved.
    response = client.post(url, _total_rule_data(action="save"))
    assert response.status_code == 200
    assert "What it would have done" in response.content.decode()
    assert not ThresholdRule.objects.exists()
    digest = response.context["digest"]
    # Save other settings than the ones previewed: previewed again, nothing saved.
    response = client.post(url, _total_rule_data(action="save", previewed=digest, threshold="13"))
    assert response.status_code == 200 and not ThresholdRule.objects.exists()
    response = client.post(url, _total_rule_data(action="save", previewed=digest))
    assert response.status_code == 302
    rule = ThresholdRule.objects.get()
    assert (rule.kind, rule.instrument_code, rule.threshold, rule.name) == (
        RuleKind.SCORE_TOTAL,
        "phq-a",
        12,
        "",
    )
    assert rule.code == "score_total-phq-a"
    change = RuleChange.objects.get()
    assert (change.action, change.by, change.after["threshold"]) == ("created", school_admin, "12")


def _preview_then_save(client, url, data):
    response = client.post(url, {**data, "action": "preview"})
    assert response.status_code == 200, response.content.decode()[:2000]
    return client.post(url, {**data, "action": "save", "previewed": response.context["digest"]})


def test_edit_a_checkin_rule(client_for, rules_a, school_admin):
    rule = rules_a["checkins-low"]
    client = client_for(school_admin)
    url = reverse("referrals:rule_edit", args=[rule.pk])
    page = client.get(url).content.decode()
    assert 'name="count"' in page and 'name="bands"' not in page
    data = {
        "threshold": "1",
        "count": "4",
        "window_school_days": "10",
        "name": "",
        "priority": Priority.HIGH,
        "due_within": "2",
        "due_unit": "school_days",
        "weeks": "8",
    }
    assert _preview_then_save(client, url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold, rule.count, rule.priority) == (1, 4, Priority.HIGH)
    change = rule.changes.get()
    assert change.before["count"] != 4 and change.after["count"] == 4


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        # Rule 4: a critical answer is always urgent.
        (RuleKind.CRITICAL, {"instrument": "", "priority": Priority.ROUTINE}, "priority"),
        (
            RuleKind.BAND,
            {"bands": ["phq-a::severe", "phq-9::severe"], "priority": Priority.HIGH},
            "bands",
        ),
        (RuleKind.SCORE_TOTAL, {"scale": "phq-a:", "threshold": "30"}, "threshold"),
        (RuleKind.SCORE_TOTAL, {"scale": "phq-a:", "threshold": "0"}, "threshold"),
        (RuleKind.SCORE_TOTAL, {"scale": "nope:", "threshold": "10"}, "scale"),
        (
            RuleKind.CHECKIN_LOW,
            {"threshold": "2", "count": "5", "window_school_days": "3"},
            "count",
        ),
        (RuleKind.CONCERN_TAG, {"tags": ["not-a-tag"]}, "tags"),
        (RuleKind.CHECKIN_DROP, {"threshold": "9"}, "threshold"),
    ],
)
def test_invalid_settings_are_refused_with_the_field_named(
    client_for, school_admin, school_a, kind, data, field
):
    base = {
        "name": "",
        "priority": Priority.ROUTINE,
        "due_within": "3",
        "due_unit": "school_days",
        "weeks": "4",
        "action": "preview",
    }
    response = client_for(school_admin).post(_new_url(school_a, kind), {**base, **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ThresholdRule.objects.exists()


def test_duplicate_prefills_a_new_rule_and_leaves_the_original(client_for, rules_a, school_admin):
    source = rules_a["phq-a-moderate"]
    client = client_for(school_admin)
    url = f"{reverse('referrals:rule_new')}?from={source.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["scale"] == "phq-a:"
    data = _total_rule_data(threshold="14", priority=Priority.HIGH, due_within="2")
    assert _preview_then_save(client, url, data).status_code == 302
    source.refresh_from_db()
    assert source.threshold == 10
    copy = ThresholdRule.objects.get(school=source.school, kind=source.kind, threshold=14)
    assert copy.pk != source.pk and copy.code != source.code


def test_disable_keeps_the_rule_and_its_history(client_for, rules_a, school_admin, student_a):
    from tests.referrals.conftest import open_referral

    rule = rules_a["phq-a-moderate"]
    referral = open_referral(student_a)
    referral.reasons.update(rule=rule)
    client = client_for(school_admin)
    url = reverse("referrals:rule_active", args=[rule.pk])
    assert client.post(url, {}).status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    assert referral.reasons.get().rule == rule  # history kept
    assert rule.changes.get().action == RuleChange.Action.DISABLED
    assert client.post(url, {"active": "on"}).status_code == 302
    rule.refresh_from_db()
    assert rule.active
    history = client.get(reverse("referrals:rule_history", args=[rule.pk])).content.decode()
    assert "Disabled" in history and "Enabled" in history
    assert client.get(url).status_code == 405


def test_generated_name_follows_the_settings_and_the_language(client_for, rules_a, school_admin):
    rule = rules_a["phq-a-moderate"]
    rule.name = ""
    rule.threshold = 12
    rule.save()
    client = client_for(school_admin)
    assert "PHQ-A total 12 or more" in client.get(reverse("referrals:rules")).content.decode()
    client.cookies["django_language"] = "es"
    page = client.get(reverse("referrals:rules"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "PHQ-A total 12 o más" in page
    rule.name = "Our own name"
    rule.save()
    assert "Our own name" in client.get(reverse("referrals:rules")).content.decode()


def test_whatif_names_newly_flagged_students(client_for, school_admin, school_a, teacher):
    student = make_student(school_a, "F1", given_name="Flagged", family_name="Person")
    phqa = {i.code: i for i in instrument_sync()}["phq-a"]
    ScreeningResult.objects.create(
        student=student,
        instrument=phqa,
        answers={},
        total=13,
        scores={},
        respondent="student",
        administered_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client_for(school_admin).post(
        _new_url(school_a, RuleKind.SCORE_TOTAL), _total_rule_data(action="preview")
    )
    html = response.content.decode()
    assert "Newly flagged: 1 student" in html
    assert "Flagged Person" in html


def test_rules_list_query_count_is_constant(
    client_for, school_admin, school_a, django_assert_max_num_queries
):
    client = client_for(school_admin)
    rules_install_defaults(school=school_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("referrals:rules"))
    for n in range(20):
        ThresholdRule.objects.create(
            school=school_a,
            code=f"extra-{n}",
            kind=RuleKind.CHECKIN_DROP,
            threshold=2,
            priority=Priority.ROUTINE,
            due_within=5,
            due_unit="school_days",
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("referrals:rules")).status_code == 200


# ------------------------------------------------------------------------------ who may


@pytest.mark.parametrize("who", ["counsellor", "teacher", "parent", "outsider"])
def test_only_administrators_reach_the_builder(request, client_for, rules_a, school_a, who):
    client = client_for(request.getfixturevalue(who))
    rule = rules_a["checkins-low"]
    assert client.get(reverse("referrals:rules")).status_code == 403
    assert client.get(_new_url(school_a, RuleKind.BAND)).status_code == 403
    assert client.post(reverse("referrals:rule_edit", args=[rule.pk]), {}).status_code == 403
    assert client.post(reverse("referrals:rule_active", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.active


def test_another_schools_rule_is_404(client_for, school_b, school_admin):
    rules_install_defaults(school=school_b)
    rule = ThresholdRule.objects.filter(school=school_b).first()
    client = client_for(school_admin)
    for url in (
        reverse("referrals:rule_edit", args=[rule.pk]),
        reverse("referrals:rule_history", args=[rule.pk]),
        f"{reverse('referrals:rule_new')}?from={rule.pk}",
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("referrals:rule_active", args=[rule.pk])).status_code == 404
    # Nor can a new rule be made for a school the user does not administer.
    assert client.get(_new_url(school_b, RuleKind.BAND)).status_code == 400


def test_district_admin_edits_rules_of_the_district_only(
    client_for, district_admin, school_a, school_b, school_x
):
    for school in (school_a, school_b, school_x):
        rules_install_defaults(school=school)
    client = client_for(district_admin)
    for school in (school_a, school_b):
        rule = school.threshold_rules.get(code="phq-a-moderate")
        assert client.get(reverse("referrals:rule_edit", args=[rule.pk])).status_code == 200
    other = school_x.threshold_rules.get(code="phq-a-moderate")
    assert client.get(reverse("referrals:rule_edit", args=[other.pk])).status_code == 404
    # And the other district's administrator sees school X's, never school A's.
    x_admin = make_user("x_admin")
    district_admin_add(district=District.objects.get(schools=school_x), user=x_admin)
    client = client_for(x_admin)
    mine = school_x.threshold_rules.get(code="phq-a-moderate")
    theirs = School.objects.get(pk=school_a.pk).threshold_rules.get(code="phq-a-moderate")
    assert client.get(reverse("referrals:rule_edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("referrals:rule_edit", args=[theirs.pk])).status_code == 404


def test_a_school_without_rules_starts_from_the_defaults(
    client_for, school_admin, school_a, school_b
):
    client = client_for(school_admin)
    page = client.get(reverse("referrals:rules")).content.decode()
    assert "Add the default rules to School A" in page
    url = reverse("referrals:rules_defaults")
    assert client.post(url, {"school": school_b.pk}).status_code == 404
    assert client.post(url, {"school": school_a.pk}).status_code == 302
    rules = ThresholdRule.objects.filter(school=school_a)
    assert rules.count() > 5 and not ThresholdRule.objects.filter(school=school_b).exists()
    assert RuleChange.objects.filter(rule__school=school_a).count() == rules.count()
    assert all(rule.name == "" for rule in rules)  # generated, in the reader's language
    assert "Add the default rules" not in client.get(reverse("referrals:rules")).content.decode()


def test_rules_reviewed_is_recorded(client_for, school_admin, school_a):
    from schoolwell.referrals.models import RuleReview

    client = client_for(school_admin)
    assert (
        client.post(reverse("referrals:rules_reviewed"), {"school": school_a.pk}).status_code == 302
    )
    assert RuleReview.objects.get().by == school_admin
