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
