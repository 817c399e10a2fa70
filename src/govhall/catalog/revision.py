"""The catalog's content revision: bumped by every write that changes what the public sees."""

from __future__ import annotations

from govhall.core.revisions import revision_bump, revision_current

CATALOG = "catalog"


def catalog_changed() -> None:
    revision_bump(CATALOG)


def catalog_revision() -> int:
    return revision_current(CATALOG)
