from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "schoolwell.lifecycle"
    label = "lifecycle"

    def ready(self) -> None:
        from schoolwell.core import registry
        from schoolwell.lifecycle import demo, panels

        registry.nav_providers.append(panels.nav)
        registry.home_panel_providers.append(panels.home_panel)
        registry.guardian_child_panel_providers.append(panels.guardian_child_panel)
        registry.action_item_providers.append(panels.action_items)
        # After consent and support (70): the demo's requests need its families and plans.
        registry.demo_steps.append((80, demo.seed_lifecycle))
