from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolwell.core"
    label = "core"

    def ready(self) -> None:
        from schoolwell.core import registry, setup_checklist

        # What an administrator must still set up leads the home page (order < 0).
        registry.home_panel_providers.append(setup_checklist.home_panel)
