"""The admin pages for rules and the on-call roster are scoped to administered schools."""

from django.urls import reverse

from schoolwell.referrals.demo import rules_install_defaults
from schoolwell.referrals.models import OnCall


def test_school_admin_sees_only_own_schools_rules(client_for, school_a, school_b, school_admin):
    school_admin.is_staff = True
    school_admin.save()
    rules_install_defaults(school=school_a)
    rules_install_defaults(school=school_b)
    client = client_for(school_admin)
    response = client.get(reverse("admin:referrals_thresholdrule_changelist"))
    assert response.status_code == 200
    shown = {r.school_id for r in response.context["cl"].result_list}
    assert shown == {school_a.pk}
    other = school_b.threshold_rules.first()
    page = client.get(reverse("admin:referrals_thresholdrule_change", args=[other.pk]))
    assert page.status_code in (302, 404)


def test_on_call_choices_are_the_schools_counsellors(
    client_for, school_a, school_admin, counsellor, other_counsellor
):
    school_admin.is_staff = True
    school_admin.save()
    response = client_for(school_admin).get(reverse("admin:referrals_oncall_add"))
    choices = {c for c, _ in response.context["adminform"].form.fields["counsellor"].choices if c}
    assert {int(str(c)) for c in choices} == {counsellor.pk}
    assert not OnCall.objects.exists()
