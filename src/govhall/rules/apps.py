from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "govhall.rules"
    label = "rules"
    verbose_name = _("Review rules")

    def ready(self) -> None:
        from govhall.rules import providers  # noqa: F401  (registers the built-in inputs)
