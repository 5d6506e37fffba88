"""What consent adds to shared pages (registered in apps.py)."""

from __future__ import annotations

from schoolwell.accounts import gate
from schoolwell.core.registry import Panel


def student_panel(request, student) -> Panel:
    """Effective consent per purpose, for the staff who can open the student's page."""
    from schoolwell.consent.gating import effective_consents

    return Panel(
        "consent/_student_panel.html",
        {
            "consents": effective_consents([student])[student.pk],
            "student_id": student.pk,
            # Paper/phone entry: the school's administrators and counsellors only.
            "may_record": gate.may(request.user, "consent.record", student),
        },
        order=30,
    )


def class_panel(request, klass) -> Panel:
    """Who in the class may be screened now, and why not for the others (rule 2)."""
    from schoolwell.consent.gating import require_screening_consent
    from schoolwell.roster.selectors import class_roster

    students = list(class_roster(klass))
    allowed, refused = require_screening_consent(students)
    return Panel(
        "consent/_class_panel.html",
        {
            "allowed": len(allowed),
            "total": len(students),
            "refused": [(s, refused[s.pk]) for s in students if s.pk in refused],
        },
        order=20,
    )


def home_panel(request, scope) -> Panel | None:
    """For guardians: what awaits their decision."""
    from schoolwell.consent.selectors import guardian_consents

    if not gate.may(scope, "student.guard"):
        return None
    waiting = [
        (entry.student, item) for entry in guardian_consents(request.user) for item in entry.waiting
    ]
    return Panel("consent/_home_panel.html", {"waiting": waiting}, order=10)


def demo_step(district, rng, stdout) -> None:
    from schoolwell.consent.demo import build_consent_demo

    build_consent_demo(district, rng, stdout)
