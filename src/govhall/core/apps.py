from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govhall.core"
    label = "core"
    verbose_name = _("Shared kernel")

    def ready(self) -> None:
        from govhall.core.lookups import lookups_register

        lookups_register()
