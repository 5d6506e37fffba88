"""Every URL pattern, requested by every role with another district's objects, discloses
nothing and never fails with a 500.

The patterns are walked from the URLconf (not a hand-kept list), so a new page is covered
the day it is added; a pattern with a keyword argument this test does not know fails, so
nobody can add a page without saying which object its ids name.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from schoolwell.accounts.roles import Role
from schoolwell.audit.models import AccessLog
from schoolwell.roster.models import Class, School
from schoolwell.roster.services import class_set_teachers, guardian_link_set, school_staff_add
from tests.conftest import enroll, make_student, make_user

pytestmark = pytest.mark.django_db

# The out-of-scope world: another district's school. None of these words may appear on a
# page served to anyone but that school's own people.
SECRETS = (
    "Quillcounty",
    "Zephyrine",
    "Quillfeather",
    "Quillshire",
    "Quillclass",
    "Quillform",
    "Quillesson",
)

# Public or device-held pages: no user's scope is involved. A reason for each.
PUBLIC = {
    "healthz": "liveness probe, no data",
    "set_language": "i18n: sets a cookie",
    "login": "sign-in form",
    "logout": "signs the session out",
    "password_reset": "asks for an email address",
    "password_reset_done": "static confirmation",
    "password_reset_confirm": "guarded by its emailed token",
    "password_reset_complete": "static confirmation",
    "screening:link_open": "a student's one-time link: guarded by its token",
    "voice:link_open": "a student's check-in link: guarded by its token",
    "voice:kiosk_home": "a class check-in kiosk: guarded by the device's kiosk session",
    "voice:kiosk_checkin": "a class check-in kiosk: only students of the kiosk's class",
    "voice:skill": "a coping skill from the shipped library: no student data",
    "community:provider_link": "a provider's single-purpose link: guarded by its token",
}

PERSONAS = [
    "teacher",
    "counsellor",
    "parent",
    "school_admin",
    "district_admin",  # of this district: school X is another district's
    "outsider",
    None,  # signed out
]


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield prefix + str(entry.pattern), name, entry


@pytest.fixture
def world(db, other_district):
    """School X of another district, with one of everything."""
    from schoolwell.consent.models import ConsentForm
    from schoolwell.referrals.demo import rules_install_defaults
    from schoolwell.referrals.models import ReferralNote
    from schoolwell.reports.models import Export
    from schoolwell.screening.models import KioskSession, ScreeningWindow, SelfReportAssignment
    from schoolwell.screening.services import instrument_sync
    from schoolwell.sel.models import Competency, Lesson, LessonSchedule
    from tests.consent.conftest import make_live_form
    from tests.referrals.conftest import open_referral

    other_district.name = "Quillcounty"
    other_district.save()
    school = School.objects.create(district=other_district, name="Quillshire", code="quill")
    klass = Class.objects.create(school=school, title="Quillclass 7", grades="07")
    student = make_student(school, "Q1", given_name="Zephyrine", family_name="Quillfeather")
    enroll(student, klass)
    teacher_x = make_user("teacher_x")
    class_set_teachers(klass=klass, teachers=[teacher_x])
    counsellor_x = make_user("counsellor_x")
    school_staff_add(school=school, user=counsellor_x, role=Role.COUNSELLOR)
    admin_x = make_user("admin_x")
    school_staff_add(school=school, user=admin_x, role=Role.SCHOOL_ADMIN)
    guardian_x = make_user("guardian_x")
    guardian_link_set(guardian=guardian_x, student=student)

    instruments = {row.code: row for row in instrument_sync()}
    today = timezone.localdate()
    window = ScreeningWindow.objects.create(
        school=school,
        instrument=instruments["phq-a"],
        name="Quillshire fall",
        grades=[7],
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=10),
        created_by=admin_x,
    )
    kiosk = KioskSession.objects.create(
        klass=klass,
        instrument=instruments["phq-a"],
        window=window,
        started_by=teacher_x,
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    assignment = SelfReportAssignment.objects.create(
        student=student,
        instrument=instruments["phq-a"],
        window=window,
        kiosk=kiosk,
        expires_at=kiosk.expires_at,
        created_by=teacher_x,
    )
    referral = open_referral(student)
    ReferralNote.objects.create(
        referral=referral, author=counsellor_x, body="Quillfeather note", created_at=timezone.now()
    )
    rules_install_defaults(school=school)
    form = make_live_form(school)
    ConsentForm.objects.filter(pk=form.pk).update(title={"en": "Quillform", "es": "Quillform"})
    competency = Competency.objects.create(code="quill", name={"en": "Quill"})
    lesson = Lesson.objects.create(
        slug="quillesson",
        title={"en": "Quillesson"},
        grade_band="middle",
        primary_competency=competency,
        minutes=20,
        school=school,
        created_by=counsellor_x,
    )
    schedule = LessonSchedule.objects.create(
        klass=klass, lesson=lesson, planned_on=today, scheduled_by=teacher_x
    )
    export = Export.objects.create(
        requested_by=admin_x,
        kind="roster",
        status=Export.Status.DONE,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    export.file.save("quill.csv", io.BytesIO(b"Zephyrine,Quillfeather"))
    access_log = AccessLog.objects.create(user=counsellor_x, student=student, what="Quillshire")
    from schoolwell.voice.models import StudentCheckIn

    voice_checkin = StudentCheckIn.objects.create(
        school=school,
        student=student,
        date=today,
        feeling="sad",
        message="Quillfeather message",
        wants_to_talk="today",
        trusted_adult=teacher_x,
        channel="link",
        created_at=timezone.now(),
    )
    from schoolwell.roster.models import ImportJob

    import_job = ImportJob.objects.create(
        requested_by=admin_x,
        district=other_district,
        state=ImportJob.State.REJECTED,
        problems=[["users.csv", 2, "givenName", "Quillfeather is not allowed"]],
        problems_total=1,
    )
    # The apps merged without the gate: the safety pathway, support plans, sign-in devices.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schoolwell.safety import services as safety
    from schoolwell.safety.models import FollowUp
    from tests.safety.conftest import ASSESSMENT, PLAN
    from tests.support.conftest import make_plan

    safety.risk_assessment_record(
        referral=referral, by=counsellor_x, data={**ASSESSMENT, "rationale": "Quillfeather"}
    )
    safety.safety_plan_revise(
        referral=referral, by=counsellor_x, parts={**PLAN, "warning_signs": "Quillfeather"}
    )
    follow_up = FollowUp.objects.filter(referral=referral).first() or FollowUp.objects.create(
        referral=referral,
        student=student,
        due_on=today + dt.timedelta(days=2),
        scheduled_by=counsellor_x,
        scheduled_at=timezone.now(),
    )
    plan = make_plan(student, counsellor_x, referral=referral)
    from schoolwell.api.services import api_token_issue
    from schoolwell.screening.models import ScreeningResult

    result = ScreeningResult.objects.create(
        student=student,
        instrument=instruments["phq-a"],
        answers={"q1": 0},
        respondent="student",
        administered_by=counsellor_x,
        band_label="Quillfeather",
    )
    token, _key = api_token_issue(user=admin_x, name="Quillshire SIS", schools=[school], by=admin_x)
    totp = TOTPDevice.objects.create(user=admin_x, name="Quillshire phone", confirmed=True)
    # Family rights and the data lifecycle.
    from schoolwell.lifecycle import services as lifecycle
    from schoolwell.roster.services import district_admin_add

    record_request = lifecycle.record_request_make(
        student=student, guardian=guardian_x, category="screening", message="Quillfeather fix"
    )
    legal_hold = lifecycle.legal_hold_place(student=student, by=admin_x, reason="Quillshire case")
    erasure = lifecycle.erasure_request(student=student, by=admin_x, verification="Quill ID")
    district_admin_x = make_user("district_admin_x")
    district_admin_add(district=other_district, user=district_admin_x)
    local_resource = lifecycle.local_resource_add(
        district=other_district,
        by=district_admin_x,
        audience="family",
        title="Quillshire counselling",
        body="Quillfeather services",
    )
    # Community coordination: a provider, a loop of a referral out, an incident.
    from schoolwell.community import services as community
    from schoolwell.community.models import ProviderReferral
    from schoolwell.referrals.models import ExternalProvider
    from tests.community.conftest import consent_for, make_agreement

    provider = ExternalProvider.objects.create(
        district=other_district, code="quill", name="Quillfeather Clinic"
    )
    make_agreement(provider)
    consent_for(referral, provider, counsellor_x)
    loop = ProviderReferral.objects.create(
        referral=referral,
        provider=provider,
        agreement=provider.agreements.get(),
        consent=referral.provider_consents.get(),
        token_hash="0" * 64,
        link_expires_at=timezone.now(),
        created_by=counsellor_x,
        created_at=timezone.now(),
    )
    incident = community.incident_open(
        school=school, by=admin_x, kind="other", title="Quillshire event", team=[counsellor_x]
    )
    return {
        "student": student,
        "class": klass,
        "school": school,
        "district": other_district,
        "window": window,
        "kiosk": kiosk,
        "assignment": assignment,
        "referral": referral,
        "rule": school.threshold_rules.first(),
        "form": form,
        "lesson": lesson,
        "schedule": schedule,
        "export": export,
        "user": teacher_x,
        "group": counsellor_x.groups.get(),
        "instrument": instruments["phq-a"],
        "access_log": access_log,
        "follow_up": follow_up,
        "plan": plan,
        "goal": plan.goals.get(),
        "totp": totp,
        "record_request": record_request,
        "legal_hold": legal_hold,
        "erasure": erasure,
        "local_resource": local_resource,
        "voice_checkin": voice_checkin,
        "provider": provider,
        "loop": loop,
        "incident": incident,
        "import_job": import_job,
        "result": result,
        "token": token,
    }


# What each keyword argument names, whatever the page.
KWARG_OBJECT = {
    "student_pk": "student",
    "student_id": "student",
    "class_pk": "class",
    "school_pk": "school",
    "school_id": "school",
    "form_id": "form",
    "kiosk_pk": "kiosk",
    "assignment_pk": "assignment",
    "user_pk": "user",
    "plan_pk": "plan",
    "goal_pk": "goal",
    "referral_pk": "referral",
    "token_pk": "token",
}

# `pk` names a different object on each page.
PK_OBJECT = {
    "roster:student_detail": "student",
    "roster:class_detail": "class",
    "roster:school_staff": "school",
    "roster:school_staff_remove": "school",
    "audit:disclosures": "student",
    "screening:window_detail": "window",
    "screening:window_edit": "window",
    "screening:window_end": "window",
    "screening:window_class": "window",
    "screening:grid": "window",
    "screening:grid_draft": "window",
    "screening:kiosk_start": "window",
    "screening:link_create": "window",
    "referrals:detail": "referral",
    "referrals:claim": "referral",
    "referrals:status": "referral",
    "referrals:refer_out": "referral",
    "referrals:close": "referral",
    "referrals:reassign": "referral",
    "referrals:note": "referral",
    "referrals:timeline": "student",
    "voice:talk": "voice_checkin",
    "referrals:rule_edit": "rule",
    "referrals:rule_active": "rule",
    "referrals:rule_history": "rule",
    "safety:assessment": "referral",
    "safety:plan": "referral",
    "safety:plan_print": "referral",
    "safety:guardian": "referral",
    "safety:follow_up_done": "follow_up",
    "support:detail": "plan",
    "support:goal_add": "plan",
    "support:check_add": "plan",
    "support:intervention_add": "plan",
    "support:contact_add": "plan",
    "support:review": "plan",
    "admin:otp_totp_totpdevice_config": "totp",
    "admin:otp_totp_totpdevice_qrcode": "totp",
    "consent:form_edit": "form",
    "consent:form_publish": "form",
    "consent:form_withdraw": "form",
    "sel:lesson_detail": "lesson",
    "sel:lesson_edit": "lesson",
    "sel:lesson_copy": "lesson",
    "sel:lesson_schedule": "lesson",
    "sel:delivery": "schedule",
    "reports:export_download": "export",
    "lifecycle:request_decide": "record_request",
    "lifecycle:hold_release": "legal_hold",
    "lifecycle:erasure_decide": "erasure",
    "lifecycle:local_remove": "local_resource",
    "roster:import_job": "import_job",
    "roster:import_job_status": "import_job",
    "community:provider_edit": "provider",
    "community:link_issue": "loop",
    "community:incident": "incident",
    "community:incident_contact": "incident",
    "community:incident_link": "incident",
    "community:incident_close": "incident",
    "api:student-detail": "student",
    "api:class-detail": "class",
    "api:instrument-detail": "instrument",
    "api:result-detail": "result",
    "api:referral-detail": "referral",
    "api:referral-claim": "referral",
    "api:referral-set-status": "referral",
    "api:referral-notes": "referral",
    "api:referral-close": "referral",
    "api:referral-reassign": "referral",
    "api:plan-detail": "plan",
    "api:consent-form-detail": "form",
    "api:lesson-detail": "lesson",
    "api:schedule-detail": "schedule",
    "api:schedule-delivery": "schedule",
    "api:export-detail": "export",
    "api:export-download": "export",
}

# The Django admin names objects by model.
ADMIN_MODEL_OBJECT = {
    "accounts.user": "user",
    "auth.group": "group",
    "roster.district": "district",
    "roster.school": "school",
    "roster.class": "class",
    "roster.student": "student",
    "audit.accesslog": "access_log",
    "screening.instrument": "instrument",
    "referrals.thresholdrule": "rule",
    "otp_totp.totpdevice": "totp",
}
# Admin models that hold no school's data: an id that does not exist is enough.
ADMIN_NO_SCHOOL_DATA = {
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "roster.academicterm",
    "screening.crisisplan",
    "referrals.oncall",
    "referrals.externalprovider",
    "otp_static.staticdevice",
}


def _admin_model(route: str) -> str | None:
    for label in (*ADMIN_MODEL_OBJECT, *ADMIN_NO_SCHOOL_DATA):
        app, model = label.split(".")
        if route.startswith(f"admin/{app}/{model}/"):
            return label
    return None


def url_kwargs(route: str, name: str, kwarg_names, world) -> dict[str, str]:
    """Each kwarg bound to the out-of-scope object it names; unknown names fail the test."""
    values = {}
    for kwarg in kwarg_names:
        if kwarg == "format":
            values[kwarg] = "json"
        elif kwarg in KWARG_OBJECT:
            values[kwarg] = str(world[KWARG_OBJECT[kwarg]].pk)
        elif kwarg == "pk" and name in PK_OBJECT:
            values[kwarg] = str(world[PK_OBJECT[name]].pk)
        elif kwarg == "object_id" and name == "admin:view_on_site":
            values[kwarg] = str(world["student"].pk)
        elif kwarg == "id" and name == "admin:auth_user_password_change":
            values[kwarg] = str(world["user"].pk)
        elif kwarg == "content_type_id":
            values[kwarg] = str(ContentType.objects.get_for_model(world["student"]).pk)
        elif kwarg == "object_id" and (label := _admin_model(route)):
            key = ADMIN_MODEL_OBJECT.get(label)
            values[kwarg] = str(world[key].pk) if key else "999999"
        elif kwarg == "app_label" and name == "admin:app_list":
            values[kwarg] = "roster"
        elif kwarg == "url" and route == "admin/(?P<url>.*)$":
            values[kwarg] = "roster/student/"  # the admin's catch-all
        else:
            pytest.fail(f"{route} ({name}): say which object `{kwarg}` names")
    return values


def build_path(route: str, name: str, values: dict[str, str]) -> str:
    """The concrete path: reversed by name where the pattern has one (regex patterns of
    DRF and the admin included), else the route with its converters filled in."""
    if name:
        try:
            return reverse(name, kwargs=values)
        except NoReverseMatch:
            # DRF's format suffix converter wants the dot ("<drf_format_suffix:format>").
            return reverse(name, kwargs={**values, "format": "." + values["format"]})
    if "(?P<url>" in route:
        return "/admin/roster/student/"
    path = route
    for key, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", value, path)
    return "/" + path


def all_urls(world):
    for route, name, entry in walk(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        kwargs = url_kwargs(route, name, entry.pattern.regex.groupindex.keys(), world)
        yield name, build_path(route, name, kwargs), bool(kwargs)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def world_state(world) -> dict:
    """Every row that hangs off school X (by school, class, student or referral), and every
    field of the world's own objects: nothing here may change when outsiders knock."""
    from django.forms.models import model_to_dict

    links = {
        "school": world["school"],
        "klass": world["class"],
        "student": world["student"],
        "referral": world["referral"],
    }
    counts = {}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        for field, obj in links.items():
            if field in names and model is not type(obj):
                counts[(model._meta.label_lower, field)] = model.objects.filter(
                    **{field: obj}
                ).count()
    fields = {}
    for key, obj in world.items():
        fresh = type(obj).objects.filter(pk=obj.pk).first()
        fields[key] = fresh and {
            k: v for k, v in model_to_dict(fresh).items() if k not in {"last_login"}
        }
    return {"counts": counts, "fields": fields}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "signed_out")
def test_no_page_discloses_another_districts_objects(request, client, persona, world):
    if persona is not None:
        user = request.getfixturevalue(persona)
        user.is_staff = True  # even the admin's door opened: the scope still decides
        user.save()
        client.force_login(user)
    urls = list(all_urls(world))
    assert len(urls) > 150  # the walk found the whole URLconf (admin and API included)
    before = world_state(world)
    problems = []
    for name, path, has_ids in urls:
        # Writes are tried where a page names an object; the admin's writes are its forms.
        methods = [client.get, client.post] if has_ids and name[:6] != "admin:" else [client.get]
        for method in methods:
            try:
                response = method(path)
            except Exception as error:  # a 500 in production
                problems.append(f"{method.__name__.upper()} {path} ({name}): {error!r}")
                continue
            if response.status_code >= 500:
                problems.append(f"{method.__name__.upper()} {path} ({name}): 500")
            elif response.status_code == 200:
                leaked = [word for word in SECRETS if word in body_of(response)]
                if leaked:
                    problems.append(f"{method.__name__.upper()} {path} ({name}): {leaked}")
    assert problems == [], "\n".join(problems)
    # Nothing was written about the other district's school, its student or its records.
    after = world_state(world)
    changed = {
        part: {
            k: (before[part][k], after[part][k])
            for k in before[part]
            if before[part][k] != after[part][k]
        }
        for part in before
    }
    assert changed == {"counts": {}, "fields": {}}


@pytest.mark.parametrize(
    "route, name, kwarg",
    [("widgets/<int:widget_pk>/", "x:widget", "widget_pk"), ("w/<int:pk>/", "x:new_page", "pk")],
)
def test_a_page_whose_ids_nobody_named_fails_the_walk(world, route, name, kwarg):
    with pytest.raises(pytest.fail.Exception, match=kwarg):
        url_kwargs(route, name, [kwarg], world)
