"""Referral indicators: flow, response times against due, overdue, equity, capacity."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Source, Status
from schoolwell.referrals.selectors import staff_referrals
from schoolwell.reports import indicators
from tests.conftest import enroll, make_student

H = dt.timedelta(hours=1)


def referral(school, student, *, opened, due_h, claimed_h=None, closed_h=None, source=Source.RULE):
    return Referral.objects.create(
        school=school,
        student=student,
        source=source,
        priority=Priority.HIGH,
        status=Status.CLOSED if closed_h else Status.NEW,
        opened_at=opened,
        due_at=opened + due_h * H,
        claimed_at=opened + claimed_h * H if claimed_h else None,
        closed_at=opened + closed_h * H if closed_h else None,
    )


def test_flow_medians_and_overdue(school_admin, school_a, class_a):
    now = timezone.now()
    students = [make_student(school_a, f"R{i}") for i in range(4)]
    referral(school_a, students[0], opened=now - 50 * H, due_h=24, claimed_h=2, closed_h=30)
    referral(school_a, students[1], opened=now - 50 * H, due_h=24, claimed_h=30)  # late
    referral(school_a, students[2], opened=now - 50 * H, due_h=72, claimed_h=6)
    referral(school_a, students[3], opened=now - 50 * H, due_h=4)  # unclaimed, overdue
    flow = indicators.referral_flow(staff_referrals(school_admin), since=(now - 60 * H).date())
    assert flow.median_hours_to_first_action == 6.0
    assert flow.median_hours_allowed == 24.0
    assert (flow.first_action_on_time, flow.first_action_late) == (2, 2)
    # Overdue as the queue counts it: open past due, claimed or not (R1 and R3).
    assert flow.open_now == 3 and flow.overdue_now == 2
    assert sum(flow.opened) == 4 and sum(flow.closed) == 1


def test_equity_rates_are_suppressed(school_admin, school_a, class_a):
    now = timezone.now()
    for i in range(30):
        student = make_student(school_a, f"E{i}", grade=7)
        enroll(student, class_a)
        if i < 3:
            referral(school_a, student, opened=now - H, due_h=24)
    tables = indicators.referral_rates(
        school_admin_students(school_admin),
        staff_referrals(school_admin),
        since=timezone.localdate(now) - dt.timedelta(days=1),
    )
    table = tables["band"]
    label, cells, total = table.rows()[0]
    assert label == "6–8" and total.count == 30 and not total.suppressed
    flagged, referred, neither = cells
    assert flagged.suppressed and flagged.count == 3
    assert sum(c.suppressed for c in cells) >= 2  # its complement too
    # The same students by language, from the same query.
    english = dict((label, total.count) for label, _cells, total in tables["language"].rows())
    assert english["English"] == 30


def school_admin_students(user):
    from schoolwell.roster.selectors import visible_students

    return visible_students(user)


def test_capacity_counts_counsellors_and_open_referrals(
    school_admin, counsellor, school_a, student_a
):
    referral(school_a, student_a, opened=timezone.now() - H, due_h=24)
    (row,) = indicators.counsellor_capacity(
        {school_a.pk},
        staff_referrals(school_admin),
        since=timezone.localdate() - dt.timedelta(days=30),
    )
    assert (row.counsellors, row.open_referrals, row.opened_recently) == (1, 1, 1)
    assert row.open_per_counsellor == 1.0


def test_timeline_shows_referral_events(client_for, counsellor, school_a, student_a):
    now = timezone.now()
    ref = referral(school_a, student_a, opened=now - 5 * H, due_h=24)
    ReferralEvent.objects.create(referral=ref, at=now - 5 * H, kind=ReferralEvent.Kind.CREATED)
    response = client_for(counsellor).get(reverse("roster:student_detail", args=[student_a.pk]))
    assert "Referral opened" in response.content.decode()


def test_dashboards_show_referral_sections(client_for, school_admin, district_admin, school_a):
    keys = {
        s.key
        for s in client_for(school_admin)
        .get(reverse("reports:school", args=[school_a.pk]))
        .context["sections"]
    }
    assert {"referrals", "equity-band", "equity-language", "capacity"} <= keys
    keys = {
        s.key
        for s in client_for(district_admin).get(reverse("reports:district")).context["sections"]
    }
    assert {"referrals", "equity-band", "capacity"} <= keys


def test_district_capacity_hides_small_referral_counts(
    client_for, district_admin, school_a, school_b, student_a
):
    referral(school_a, student_a, opened=timezone.now() - H, due_h=24)
    response = client_for(district_admin).get(reverse("reports:district"))
    capacity = next(s for s in response.context["sections"] if s.key == "capacity")
    row = next(r for r in capacity.rows if r[0] == "School A")
    assert row[4] == "<10" and row[6] is None
    # Across the district, referrals open now count workload, not children: shown as is
    # (reasoning in reports/suppression.py).
    figures = dict(next(s for s in response.context["sections"] if s.key == "referrals").figures)
    assert figures["Open now"] == "1"


def test_flow_figures_equal_a_count_over_the_rows(school_admin, school_a, class_a):
    """The aggregate figures (medians by PERCENTILE_CONT on PostgreSQL) are those of the
    year's referrals counted one by one, odd and even counts alike."""
    import random
    import statistics

    now = timezone.now()
    rng = random.Random(7)
    since = (now - 400 * H).date()
    for count in (9, 10):
        for i in range(count):
            opened = now - rng.randrange(1, 300) * H - rng.randrange(3600) * dt.timedelta(seconds=1)
            claimed = rng.choice([None, rng.randrange(1, 90) + rng.random()])
            due = rng.randrange(1, 80) + rng.random()
            student = make_student(school_a, f"F{count}-{i}")
            referral(school_a, student, opened=opened, due_h=due, claimed_h=claimed)
        early = make_student(school_a, f"F{count}-early")
        referral(school_a, early, opened=now - 900 * H, due_h=1, claimed_h=5)  # before since
        rows = Referral.objects.filter(opened_at__date__gte=since)
        allowed = [(r.due_at - r.opened_at).total_seconds() / 3600 for r in rows]
        claimed = [r for r in rows if r.claimed_at]
        to_action = [(r.claimed_at - r.opened_at).total_seconds() / 3600 for r in claimed]
        on_time = sum(r.claimed_at <= r.due_at for r in claimed)
        late = len(claimed) - on_time + sum(not r.claimed_at and r.due_at < now for r in rows)

        flow = indicators.referral_flow(staff_referrals(school_admin), since=since, now=now)
        assert flow.median_hours_allowed == round(statistics.median(allowed), 1)
        assert flow.median_hours_to_first_action == round(statistics.median(to_action), 1)
        assert (flow.first_action_on_time, flow.first_action_late) == (on_time, late)
        open_rows = Referral.objects.exclude(status=Status.CLOSED)
        assert flow.open_now == open_rows.count()
        assert flow.overdue_now == open_rows.filter(due_at__lt=now).count()


def test_flow_medians_of_no_referrals(school_admin):
    flow = indicators.referral_flow(staff_referrals(school_admin), since=timezone.localdate())
    assert flow.median_hours_allowed is None and flow.median_hours_to_first_action is None
    assert (flow.open_now, flow.first_action_on_time, flow.first_action_late) == (0, 0, 0)
