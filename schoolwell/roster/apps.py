from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "schoolwell.roster"
    label = "roster"

    def ready(self) -> None:
        from schoolwell.accounts.roles import Role
        from schoolwell.core.registry import NavItem, nav_providers

        def nav(scope):
            items = []
            if scope.roles & {
                Role.TEACHER,
                Role.COUNSELLOR,
                Role.SCHOOL_ADMIN,
                Role.DISTRICT_ADMIN,
            }:
                items.append(NavItem(_("Students"), "roster:student_list", 10))
            if scope.administered_school_ids or scope.district_ids:
                items.append(NavItem(_("Roster import"), "roster:import", 90))
            return items

        nav_providers.append(nav)
