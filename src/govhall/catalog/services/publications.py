"""Publications: freezing the set of published versions (June, December, ad hoc)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import (
    ItemVersion,
    Publication,
    PublicationEntry,
    PublicationKind,
    VersionState,
)
from govhall.core.audit import audit_record_create
from govhall.core.errors import ErrorCollector
from govhall.core.transactions import service_atomic


def publication_create(
    *, actor: Any, title: str, kind: str, published_on: datetime.date, note: str = ""
) -> Publication:
    """Freeze every currently published version into a new publication."""
    errors = ErrorCollector()
    if not title.strip():
        errors.add("title", "title.required", _("The title is required."))
    if kind not in PublicationKind.values:
        errors.add("kind", "kind.unknown", _("Not one of the allowed values."))
    if kind == PublicationKind.JUNE and published_on.month != 6:
        errors.add("published_on", "published_on.june", _("A June release is published in June."))
    if kind == PublicationKind.DECEMBER and published_on.month != 12:
        errors.add(
            "published_on",
            "published_on.december",
            _("A December release is published in December."),
        )
    errors.raise_if_any()
    with service_atomic():
        publication = Publication.objects.create(
            title=title.strip(),
            kind=kind,
            published_on=published_on,
            note=note,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        rows = ItemVersion.objects.filter(state=VersionState.PUBLISHED).values_list(
            "pk", "handling_item__handling_code"
        )
        PublicationEntry.objects.bulk_create(
            PublicationEntry(publication=publication, version_id=pk, handling_code=code)
            for pk, code in rows.iterator(chunk_size=5000)
        )
        audit_record_create(
            actor=actor,
            action="catalog.publication.create",
            object_type="publication",
            object_id=str(publication.uuid),
            data={"title": publication.title, "entries": publication.entries.count()},
        )
    return publication
