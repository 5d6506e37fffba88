from django.apps import AppConfig


class SelConfig(AppConfig):
    name = "schoolwell.sel"
    label = "sel"

    def ready(self) -> None:
        from schoolwell.core.registry import (
            class_panel_providers,
            demo_steps,
            home_panel_providers,
            nav_providers,
        )
        from schoolwell.sel import demo, panels

        nav_providers.append(panels.nav)
        class_panel_providers.append(panels.class_panel)
        home_panel_providers.append(panels.home_panel)
        # After the roster; before reports, which chart these deliveries.
        demo_steps.append((60, demo.demo_sel))
