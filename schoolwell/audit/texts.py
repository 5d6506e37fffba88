"""What a disclosure row names, in the reader's language.

`AccessLog.what` is stored as a fixed English code (the record must not change with the
writer's language, and rows are append-only, so no migration rewrites them); this module is
the one place those codes become words, at display time. A code not listed here falls back
to the catalogues (callers that mark their label with gettext_noop), and an unknown code is
shown as stored rather than hidden: the record must always say something.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WHAT_LABELS = {
    "caseload": _("caseload"),
    "check-in trends": _("check-in trends"),
    "class check-in": _("class check-in"),
    "consent record": _("consent record"),
    "erasure": _("erasure of the student's data"),
    "family record": _("what the school holds (family page)"),
    "family record (print)": _("what the school holds (printable page)"),
    "family record copy": _("what the school holds (downloaded copy)"),
    "consent status (awaiting list)": _("consent status (awaiting list)"),
    "guardian notification": _("guardian notification"),
    "home: action items": _("home page: action items"),
    "referral": _("referral"),
    "referral queue": _("referral queue"),
    "risk assessment": _("risk assessment"),
    "safety follow-up": _("safety follow-up"),
    "safety pathway": _("safety pathway"),
    "safety plan": _("safety plan"),
    "safety plan (print)": _("safety plan (print)"),
    "screening history": _("screening history"),
    "screening results": _("screening results"),
    "student (API)": _("student (API)"),
    "student check-ins (API)": _("student's own check-ins (API)"),
    "student profile": _("student profile"),
    "student timeline": _("student timeline"),
    "support plan": _("support plan"),
    "support plan review": _("support plan review"),
    "support plans list": _("support plans list"),
    "timeline chart": _("timeline chart"),
}


def _export_label(kind_code: str) -> str:
    from schoolwell.reports.exports import KINDS

    kind = KINDS.get(kind_code)
    return str(kind.label) if kind is not None else kind_code


def what_label(what: str) -> str:
    """ "export: roster" → "exportación: Lista de estudiantes"; "screening results: phq-a" keeps
    its detail (an instrument code) after the translated label."""
    if what in WHAT_LABELS:
        return str(WHAT_LABELS[what])
    label, sep, rest = what.partition(": ")
    if label == "export" and sep:
        return f"{gettext('export')}: {_export_label(rest)}"
    translated = WHAT_LABELS.get(label)
    return (str(translated) if translated is not None else gettext(label)) + sep + rest
