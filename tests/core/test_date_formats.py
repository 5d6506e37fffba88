"""One date format for the whole site, in the reader's language (schoolwell/formats/).

Templates name a format (`|date`, `|date:"SHORT_DATE_FORMAT"`, ...) and never spell one; the
only spelled formats allowed are ISO inside a tag (an `<input>` value, a `datetime=`
attribute, a query string) and a weekday's name ("l", "D") beside a named format.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from schoolwell.screening.models import CheckIn

NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}
WEEKDAY = {"l", "D"}
ISO = {"Y-m-d", "c"}  # machine formats: only inside a tag's attributes
FILTER = re.compile(r"""\|(?:date|time):(["'])(?P<format>.*?)\1""")
NOW_TAG = re.compile(r"""\{%\s*now\s+(["'])(?P<format>.*?)\1""")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def templates() -> list[Path]:
    root = Path(settings.BASE_DIR, "schoolwell")
    return sorted(p for p in root.glob("**/templates/**/*") if p.suffix in {".html", ".txt"})


def _inside_tag(text: str, at: int) -> bool:
    """Whether position `at` is within an HTML tag (an attribute), not in the text."""
    return text.rfind("<", 0, at) > text.rfind(">", 0, at)


def literal_formats(text: str) -> list[str]:
    found = []
    for match in [*FILTER.finditer(text), *NOW_TAG.finditer(text)]:
        spelled = match.group("format")
        if spelled in NAMED or spelled in WEEKDAY:
            continue
        if spelled in ISO and _inside_tag(text, match.start()):
            continue
        found.append(spelled)
    return found


def test_the_checker_finds_a_spelled_format():
    assert literal_formats('<p>{{ d|date:"j M Y" }}</p>') == ["j M Y"]
    assert literal_formats("<p>{{ d|date:'Y-m-d' }}</p>") == ["Y-m-d"]
    assert literal_formats('<p>{% now "Y" %}</p>') == ["Y"]
    assert literal_formats("<input value=\"{{ d|date:'Y-m-d' }}\">") == []
    assert literal_formats("<time datetime=\"{{ d|date:'c' }}\">{{ d|date }}</time>") == []
    assert literal_formats('{{ d|date:"l" }} {{ d|date:"MONTH_DAY_FORMAT" }}') == []


def test_no_template_spells_a_date_format():
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): found
        for path in templates()
        if (found := literal_formats(path.read_text(encoding="utf-8")))
    }
    assert not offenders, f"use a named format (schoolwell/formats/): {offenders}"


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("en", "1 Dec 2026", "1 December 2026"), ("es", "1 dic 2026", "1 de diciembre de 2026")],
)
def test_the_formats_in_each_language(language, short, long):
    day = dt.date(2026, 12, 1)
    with translation.override(language):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(day) == long
        assert formats.date_format(dt.datetime(2026, 12, 1, 14, 5), "SHORT_DATETIME_FORMAT") == (
            f"{short}, 14:05"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("en", "3 Nov 2026"), ("es", "3 nov 2026")])
def test_the_student_page_shows_dates_in_the_readers_format(
    client_for, counsellor, teacher, student_a, class_a, language, expected
):
    CheckIn.objects.create(
        student=student_a, teacher=teacher, klass=class_a, date=dt.date(2026, 11, 3), wellbeing=4
    )
    client = client_for(counsellor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("roster:student_detail", args=[student_a.pk])).content.decode()
    assert expected in html
    # ISO dates only inside tags (datetime= attributes, input values), never in the text.
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    assert not ISO_DAY.findall(text)
