from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "govhall.catalog"
    label = "catalog"
    verbose_name = _("Service item catalog")

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    from govhall.catalog.search_index import ensure_search_index

    ensure_search_index(using)
