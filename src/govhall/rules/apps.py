from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "govhall.rules"
    label = "rules"
    verbose_name = _("Review rules")

    def ready(self) -> None:
        from govhall.catalog.services.versions import version_published_hook_register
        from govhall.rules import providers  # noqa: F401  (registers the built-in inputs)
        from govhall.rules.services import rules_carry_over

        # A new item version keeps the review rules of the one it supersedes (docs/rules.md).
        version_published_hook_register(rules_carry_over)
