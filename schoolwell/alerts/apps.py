from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "schoolwell.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from schoolwell.alerts import demo, panels
        from schoolwell.core import registry

        registry.nav_providers.append(panels.nav)
        # After the referrals' demo cases (order 60), whose alerts it shows in every state.
        registry.demo_steps.append((65, demo.seed_deliveries))
