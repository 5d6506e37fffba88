from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "schoolwell.support"
    label = "support"

    def ready(self) -> None:
        from schoolwell.core import registry
        from schoolwell.support import demo, panels, services

        registry.nav_providers.append(panels.nav)
        registry.student_panel_providers.append(panels.student_panel)
        registry.home_panel_providers.append(panels.home_panel)
        # New results and check-ins become progress checks of the goals that measure them.
        registry.screening_result_hooks.append(services.screening_result_progress)
        registry.checkin_hooks.append(services.checkins_progress)
        # After referrals' hand-made referrals (order 60): plans start from some of them.
        registry.demo_steps.append((70, demo.seed_support))
