from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "schoolwell.roster"
    label = "roster"

    def ready(self) -> None:
        from schoolwell.accounts import gate
        from schoolwell.core.registry import NavItem, demo_steps, nav_providers
        from schoolwell.roster import demo

        def nav(scope):
            items = []
            if gate.may(scope, "student.view_staff"):
                items.append(NavItem(_("Students"), "roster:student_list", 10))
            if gate.may(scope, "roster.import"):
                items.append(NavItem(_("Roster import"), "roster:import", 90))
            return items

        nav_providers.append(nav)
        demo_steps.append((90, demo.seed_import_job))
