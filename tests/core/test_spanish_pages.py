"""Every page of every role, read by a Spanish-speaking user, is in Spanish.

The demo district is seeded (realistic data: events, reasons, disclosure rows, charts) and
the URLconf walked for each demo login (in-scope objects fill the ids). A page fails when
its text holds a message the catalogues translate but that reached the page in English
(a string translated at import time, a label stored in English), a raw code (a snake_case
token such as `passive_no_objection`), a run of common English words, or a title with
markup in it. One test, so the district is seeded once.
"""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import get_resolver, reverse

from schoolwell.accounts.models import User
from schoolwell.roster.importing import template_columns as import_columns
from tests.core.test_every_url import PUBLIC, build_path, url_kwargs, walk

pytestmark = pytest.mark.django_db

LOGINS = ["teacher", "counsellor", "parent", "schooladmin", "districtadmin"]

# English words that a Spanish sentence never holds (names and codes aside).
ENGLISH = re.compile(
    r"\b(the|and|with|your|you|this|these|has|have|was|were|from|which|there|been|"
    r"would|should|their|they|what|when|where|not yet|per|each)\b",
    re.IGNORECASE,
)
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# The import template's column names are typed as shown, so help texts name them verbatim.
COLUMN_NAMES = set(import_columns.COLUMN_NAMES)


class Text(HTMLParser):
    """The visible text nodes of a page in the page's language, and its <title>.

    Left out: scripts, styles, `<code>` (file column names are typed as shown), form fields'
    own text (`<textarea>`: what an editor wrote) and blocks marked in another language
    (`lang="en"`: a consent form's English version shown beside the Spanish one)."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.title = ""
        self._skipping: list[list] = []  # [tag, open count] of the element being skipped
        self._in_title = False
        self.title_markup = False

    def handle_starttag(self, tag, attrs):
        if self._skipping and self._skipping[-1][0] == tag:
            self._skipping[-1][1] += 1
        lang = dict(attrs).get("lang")
        foreign = tag != "html" and lang and not lang.startswith("es")
        if tag in {"script", "style", "code", "textarea"} or foreign:
            self._skipping.append([tag, 1])
        if self._in_title:
            self.title_markup = True  # a block left open in {% block title %}
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1][0] == tag:
            self._skipping[-1][1] -= 1
            if not self._skipping[-1][1]:
                self._skipping.pop()
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def translated_msgids() -> set[str]:
    """English messages (without placeholders) that some Spanish catalogue translates."""
    ids = set()
    for path in Path(settings.BASE_DIR, "schoolwell").glob("**/locale/es/LC_MESSAGES/django.mo"):
        with path.open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)._catalog
        for msgid, msgstr in catalog.items():
            if (
                isinstance(msgid, str)
                and msgstr
                and msgstr != msgid
                and "%" not in msgid
                and "{" not in msgid
                and len(msgid) > 3
            ):
                ids.add(msgid)
    return ids


class InScope(dict):
    """The demo objects a walk names; ids nobody seeded name nothing (a 404 is fine)."""

    class Missing:
        pk = 999999

    def __missing__(self, key):
        return self.Missing()


def demo_world() -> InScope:
    from schoolwell.audit.models import AccessLog
    from schoolwell.community.models import Incident, ProviderReferral
    from schoolwell.consent.models import ConsentForm
    from schoolwell.referrals.models import ExternalProvider, Referral, ThresholdRule
    from schoolwell.roster.models import Class, District, ImportJob
    from schoolwell.screening.models import Instrument, ScreeningWindow
    from schoolwell.sel.models import Lesson, LessonSchedule
    from schoolwell.voice.models import StudentCheckIn

    referral = Referral.objects.order_by("pk").first()
    student = referral.student
    objects = dict(
        student=student,
        school=student.school,
        district=District.objects.first(),
        **{
            "class": Class.objects.filter(enrollments__student=student).first()
            or Class.objects.first()
        },
        referral=referral,
        window=ScreeningWindow.objects.filter(school=student.school).first(),
        rule=ThresholdRule.objects.filter(school=student.school).first(),
        form=ConsentForm.objects.filter(school=student.school).first(),
        lesson=Lesson.objects.first(),
        schedule=LessonSchedule.objects.first(),
        user=User.objects.get(username="teacher"),
        instrument=Instrument.objects.first(),
        access_log=AccessLog.objects.filter(student=student).first(),
        voice_checkin=StudentCheckIn.objects.filter(
            wants_to_talk="today", trusted_adult__username="teacher"
        ).first(),
        provider=ExternalProvider.objects.filter(district=student.school.district).first(),
        loop=ProviderReferral.objects.first(),
        incident=Incident.objects.first(),
        import_job=ImportJob.objects.first(),
    )
    return InScope({key: obj for key, obj in objects.items() if obj is not None})


def spanish_urls(world) -> list[str]:
    """Every page of the URLconf but the admin's and the API's (JSON), ids from the demo."""
    paths = []
    for route, name, entry in walk(get_resolver().url_patterns):
        if name in PUBLIC or route.startswith(("admin/", "api/")):
            continue
        try:
            kwargs = url_kwargs(route, name, entry.pattern.regex.groupindex.keys(), world)
        except pytest.fail.Exception:
            continue  # an id test_every_url does not name yet: that test says so
        paths.append(build_path(route, name, kwargs))
    return paths


def page_problems(path: str, html: str, known: set[str]) -> list[str]:
    parser = Text()
    parser.feed(html)
    problems = []
    if parser.title_markup or "<" in parser.title or "\n" in parser.title.strip():
        problems.append(f"{path}: title holds markup: {parser.title.strip()[:80]!r}")
    for node in parser.nodes:
        if node in known:
            problems.append(f"{path}: untranslated {node!r}")
        elif set(CODE.findall(node)) - COLUMN_NAMES:
            problems.append(f"{path}: raw code in {node!r}")
        elif len(ENGLISH.findall(node)) >= 2:
            problems.append(f"{path}: English in {node!r}")
    return problems


def test_page_problems_catch_english_codes_and_markup_in_titles():
    known = {"Referral queue"}
    html = (
        "<html lang='es'><head><title>Evaluación<h2>x</h2></title></head><body>"
        "<p>Referral queue</p><p>estado: passive_no_objection</p>"
        "<p>Open the form and tell the counsellor</p>"
        "<code>student_id</code><article lang='en'><p>Tell us what you think of the plan</p>"
        "</article><p>Cola de derivaciones</p></body></html>"
    )
    problems = page_problems("/x/", html, known)
    assert len(problems) == 4, problems
    assert page_problems("/x/", "<title>Cola</title><p>Cola de derivaciones</p>", known) == []


def assert_demo_district_figures_visible(client):
    """The demo district's key figures are numbers, not "<10" (issue 12): referrals opened,
    flagged by a rule and closed per month, open and overdue now, and students flagged by a
    rule per grade band."""
    client.force_login(User.objects.get(username="districtadmin"))
    sections = {s.key: s for s in client.get(reverse("reports:district")).context["sections"]}
    flow = sections["referrals"]
    figures = dict(flow.figures)
    for label in ("Open now", "Overdue now"):
        assert figures[label].isdigit(), (label, figures[label])
    assert figures["Median time allowed (due)"].endswith("days")
    opened = sum(row[1] for row in flow.rows)
    flagged = sum(row[2] for row in flow.rows)
    assert opened > 100 and flagged > 100  # the demo opens ~130 referrals, nearly all by rule
    band = sections["equity-band"].table
    assert not band.column_totals[0].suppressed and band.column_totals[0].count == flagged
    assert all(not row[0].suppressed for row in band.cells)


def test_every_page_of_every_role_reads_in_spanish(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Seeding takes most of this test's time, so the district's figures are checked here too.
    assert_demo_district_figures_visible(client)
    known = translated_msgids()
    world = demo_world()
    urls = spanish_urls(world)
    problems: set[str] = set()
    pages = 0
    for username in LOGINS:
        user = User.objects.get(username=username)
        user.preferred_language = "es"
        user.save(update_fields=["preferred_language"])
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        for path in urls:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            problems.update(page_problems(path, response.content.decode(), known))
    assert pages > 60  # the walk reached the pages, not only their 404s
    assert sorted(problems) == []
