from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "schoolwell.api"
    label = "api"

    def ready(self) -> None:
        from schoolwell.api import demo, schema, tokens_page  # noqa: F401  (schema: extensions)
        from schoolwell.core import registry

        registry.nav_providers.append(tokens_page.nav)
        # Last: the integration token of the demo district needs its administrator.
        registry.demo_steps.append((95, demo.seed_api))
