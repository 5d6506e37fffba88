"""Every Spanish catalogue gives each plural message as many forms as its Plural-Forms header
asks for: with nplurals=3 and only two forms, every count but 1 fell back to English."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(
    Path(settings.BASE_DIR, "schoolwell").glob("**/locale/es/LC_MESSAGES/django.po")
)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_plural_messages_have_every_form(path):
    text = path.read_text(encoding="utf-8")
    nplurals = int(re.search(r"nplurals=(\d+)", text).group(1))
    for block in text.split("\n\n"):
        if "msgid_plural" in block and not block.lstrip().startswith("#~"):
            forms = set(re.findall(r"^msgstr\[(\d+)\]", block, re.M))
            assert forms == {str(i) for i in range(nplurals)}, block


def test_many_open_referrals_read_in_spanish():
    with translation.override("es"):
        text = translation.ngettext("%(n)s open referral", "%(n)s open referrals", 83)
    assert text == "%(n)s derivaciones abiertas"


def _translations(path: Path) -> dict[tuple[str, str], str]:
    """(context, msgid) → msgstr of a catalogue's translated singular messages."""
    found = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "msgid_plural" in block or block.lstrip().startswith("#~"):
            continue
        parts = dict.fromkeys(("msgctxt", "msgid", "msgstr"), "")
        key = None
        for line in block.splitlines():
            head = line.split(" ", 1)[0]
            if head in parts:
                key, line = head, line[len(head) + 1 :]
            if key and line.startswith('"'):
                parts[key] += line[1:-1]
        if parts["msgid"] and parts["msgstr"]:
            found[(parts["msgctxt"], parts["msgid"])] = parts["msgstr"]
    return found


def test_a_message_reads_the_same_in_every_catalogue():
    """Django merges the apps' catalogues and the first app listed wins, so one English
    message given two Spanish words showed the wrong one on some page ("Cerrada" for a
    support plan, "Pendiente" for a referral's due time). Words that differ by what they
    describe carry a context (pgettext) instead."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for key, text in _translations(path).items():
            seen.setdefault(key, {})[str(path.relative_to(settings.BASE_DIR))] = text
    differing = {key: where for key, where in seen.items() if len(set(where.values())) > 1}
    assert differing == {}


def test_a_context_picks_the_word_for_what_it_describes():
    from schoolwell.support.models import PlanStatus

    with translation.override("es"):
        assert str(PlanStatus.CLOSED.label) == "Cerrado"  # un plan
        assert translation.gettext("Closed") == "Cerrada"  # una derivación
        assert translation.pgettext("screening status", "Due") == "Pendiente"
        assert translation.gettext("Due") == "Vence"
