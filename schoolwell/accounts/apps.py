from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "schoolwell.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from schoolwell.accounts import demo, panels
        from schoolwell.accounts.session_limits import session_start
        from schoolwell.core import registry

        # Every way of signing in (this site's form, the admin's, a test's force_login)
        # goes through auth.login, which sends this: the session's clocks start there.
        user_logged_in.connect(session_start, dispatch_uid="schoolwell_session_start")
        registry.nav_providers.append(panels.nav)
        registry.demo_steps.append((20, demo.seed_second_factor))
