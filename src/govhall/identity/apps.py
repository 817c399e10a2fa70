from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "govhall.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from govhall.identity.roles import roles_sync_after_migrate

        # Sent once per app; the receiver acts on the last one, when every permission exists.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="govhall.identity.roles")
