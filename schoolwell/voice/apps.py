from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "schoolwell.voice"
    label = "voice"
    verbose_name = _("Student voice")

    def ready(self) -> None:
        from schoolwell.core import registry
        from schoolwell.reports.exports import KINDS
        from schoolwell.voice import alerts, api, demo, panels
        from schoolwell.voice.export import StudentCheckInExport

        registry.nav_providers.append(panels.nav)
        registry.action_item_providers.append(panels.action_items)
        registry.class_panel_providers.append(panels.class_panel)
        registry.home_panel_providers.append(panels.home_panel)
        registry.student_panel_providers.append(panels.student_panel)
        registry.school_dashboard_providers.append(panels.dashboard_sections)
        registry.timeline_sources.append(
            registry.TimelineSource("voice", _("Student's own check-ins"), panels.timeline_entries)
        )
        registry.api_routes.append(
            ("student-checkins", api.StudentCheckInViewSet, "student-checkin")
        )
        alerts.register_messages()
        export = StudentCheckInExport()
        KINDS[export.code] = export
        # After consent (whose forms gate it) and referrals (rules); before reports.
        registry.demo_steps.append((75, demo.build_voice_demo))
