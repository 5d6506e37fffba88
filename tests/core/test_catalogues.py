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
