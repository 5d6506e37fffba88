from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "schoolwell.screening"
    label = "screening"

    def ready(self) -> None:
        from schoolwell.core import registry
        from schoolwell.screening import demo, panels

        registry.nav_providers.append(panels.nav)
        registry.student_panel_providers.append(panels.student_panel)
        registry.class_panel_providers.append(panels.class_panel)
        registry.home_panel_providers.append(panels.home_panel)
        registry.demo_steps.append((40, demo.seed))
        registry.consent_withdrawn_hooks.append(consent_withdrawn)


def consent_withdrawn(*, student, purpose, at) -> None:
    """Mark the student's earlier results when screening consent is withdrawn (rule 2)."""
    from schoolwell.consent.gating import Purpose
    from schoolwell.screening.services import screening_results_mark_consent_revoked

    if purpose == Purpose.UNIVERSAL_SCREENING:
        screening_results_mark_consent_revoked(student_ids=[student.pk], at=at)
