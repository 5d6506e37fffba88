from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "schoolwell.community"
    label = "community"
    verbose_name = "Community coordination"

    def ready(self) -> None:
        from schoolwell.alerts import messages
        from schoolwell.community import demo, panels, reminders, services
        from schoolwell.core import registry

        registry.nav_providers.append(panels.nav)
        registry.referral_panel_providers.append(panels.referral_panel)
        registry.home_panel_providers.append(panels.home_panel)
        registry.home_panel_providers.append(panels.family_panel)
        registry.action_item_providers.append(panels.action_items)
        registry.refer_out_checks.append(services.refer_out_check)
        registry.refer_out_hooks.append(services.loop_open)
        registry.close_validators.append(services.close_check)
        messages.register(reminders.MESSAGE_CODE, reminders.message_type())
        # After the referrals' demo cases (60) and the consent demo.
        registry.demo_steps.append((75, demo.seed_community))
