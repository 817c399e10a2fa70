from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govhall.core"
    label = "core"
    verbose_name = _("Shared kernel")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from govhall.core.lookups import lookups_register
        from govhall.core.statistics import statistics_after_migrate

        lookups_register()
        post_migrate.connect(statistics_after_migrate, dispatch_uid="govhall.core.statistics")
