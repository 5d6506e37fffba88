from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "schoolwell.consent"
    label = "consent"

    def ready(self) -> None:
        from schoolwell.consent import panels
        from schoolwell.core.registry import (
            NavItem,
            class_panel_providers,
            demo_steps,
            home_panel_providers,
            nav_providers,
            student_panel_providers,
        )

        def nav(scope):
            from schoolwell.accounts import gate

            items = []
            if gate.may(scope, "student.guard"):
                items.append(NavItem(_("Consent"), "consent:portal", 20))
            if gate.may(scope, "consent.manage"):
                items.append(NavItem(_("Consent coverage"), "consent:coverage", 60))
            return items

        nav_providers.append(nav)
        student_panel_providers.append(panels.student_panel)
        class_panel_providers.append(panels.class_panel)
        home_panel_providers.append(panels.home_panel)
        demo_steps.append((30, panels.demo_step))
