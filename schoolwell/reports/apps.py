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
            items = []
            if scope.roles & {Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}:
                items.append(NavItem(_("Reports"), "reports:home", 80))
            elif scope.has(Role.COUNSELLOR):
                items.append(NavItem(_("Exports"), "reports:export_list", 80))
            if scope.has(Role.TEACHER):
                items.append(NavItem(_("My classes' trends"), "reports:teacher", 81))
            return items

        nav_providers.append(nav)
        student_panel_providers.append(timeline_panel)
