from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "schoolwell.reports"
    label = "reports"

    def ready(self) -> None:
        from schoolwell.accounts.roles import Role
        from schoolwell.core.registry import NavItem, nav_providers, student_panel_providers
        from schoolwell.reports.panels import timeline_panel

        def nav(scope):
            if scope.roles & {Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}:
                return [NavItem(_("Reports"), "reports:home", 80)]
            if scope.has(Role.TEACHER):
                return [NavItem(_("My classes' trends"), "reports:teacher", 80)]
            return []

        nav_providers.append(nav)
        student_panel_providers.append(timeline_panel)
