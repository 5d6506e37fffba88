from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "schoolwell.safety"
    label = "safety"
    verbose_name = "Safety pathway"

    def ready(self) -> None:
        from schoolwell.core import registry
        from schoolwell.safety import demo, panels

        registry.nav_providers.append(panels.nav)
        registry.referral_panel_providers.append(panels.referral_panel)
        registry.action_item_providers.append(panels.action_items)
        registry.caseload_providers.append(panels.caseload)
        # After the referrals' demo cases (order 60), which include the critical one.
        registry.demo_steps.append((65, demo.seed_pathway))
