from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "schoolwell.referrals"
    label = "referrals"

    def ready(self) -> None:
        from schoolwell.core import registry
        from schoolwell.referrals import alerts, caseload, crisis, demo, panels, rules

        alerts.register_messages()  # what its outbox rows say (schoolwell.alerts)
        registry.nav_providers.append(panels.nav)
        registry.student_panel_providers.append(panels.student_panel)
        registry.class_panel_providers.append(panels.class_panel)
        registry.home_panel_providers.append(panels.home_panel)
        registry.home_panel_providers.append(panels.counsellor_home_panel)
        registry.action_item_providers.append(caseload.action_items)
        registry.caseload_providers.append(caseload.caseload_items)
        registry.screening_result_hooks.append(rules.screening_result_evaluate)
        registry.checkin_hooks.append(rules.checkins_evaluate)
        registry.voice_checkin_hooks.append(rules.voice_checkin_evaluate)
        registry.on_call_providers.append(crisis.on_call_contacts)
        registry.urgent_tag_providers.append(crisis.urgent_concern_tags)
        # Rules and the on-call roster before screening's demo results (order 40) so the
        # rules fire on them; hand-made referrals after (order 60).
        registry.demo_steps.append((30, demo.seed_rules_and_on_call))
        registry.demo_steps.append((60, demo.seed_referrals))
