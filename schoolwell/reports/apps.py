from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "schoolwell.reports"
    label = "reports"

    def ready(self) -> None:
        from schoolwell.accounts import gate
        from schoolwell.core import figures, registry
        from schoolwell.core.registry import NavItem, nav_providers, student_panel_providers
        from schoolwell.reports.panels import timeline_panel

        def nav(scope):
            items = []
            if gate.may(scope, "school.administer"):
                items.append(NavItem(_("Reports"), "reports:home", 80))
            elif gate.may(scope, "school.counsel"):
                items.append(NavItem(_("Exports"), "reports:export_list", 80))
            if gate.may(scope, "class.teach"):
                items.append(NavItem(_("My classes' trends"), "reports:teacher", 81))
            return items

        nav_providers.append(nav)
        # The dashboards' cached figures move with what they count (core/figures.py); a
        # check-in moves them only through what it makes (a referral, a plan goal's average).
        registry.screening_result_hooks.append(figures.screening_result_saved)
        student_panel_providers.append(timeline_panel)
