"""Bumping and reading content revisions (see ``ContentRevision``).

Readers may see a bump up to ``TRUST_SECONDS`` late: each process re-reads the number at most
that often, so a hot cached page costs no query at all, and a newly published guide replaces
the cached one within seconds.
"""

from __future__ import annotations

import threading
import time

from django.db import transaction
from django.db.models import F

from govhall.core.models import ContentRevision
from govhall.core.transactions import service_atomic

TRUST_SECONDS = 2.0

_lock = threading.Lock()
_seen: dict[str, tuple[int, float]] = {}


def revision_bump(key: str) -> None:
    """Retire every cache built from ``key``'s content (in the caller's transaction)."""
    with service_atomic():
        updated = ContentRevision.objects.filter(key=key).update(number=F("number") + 1)
        if not updated:
            ContentRevision.objects.get_or_create(key=key, defaults={"number": 1})
    # Forget now (this process reads its own write) and again after commit (a reader may
    # have remembered the old number in between).
    forget_revisions()
    transaction.on_commit(forget_revisions)


def revision_current(key: str) -> int:
    now = time.monotonic()
    with _lock:
        seen = _seen.get(key)
        if seen is not None and now - seen[1] < TRUST_SECONDS:
            return seen[0]
    number = ContentRevision.objects.filter(key=key).values_list("number", flat=True).first() or 0
    with _lock:
        _seen[key] = (number, now)
    return number


def forget_revisions() -> None:
    """Drop this process's remembered numbers (after a local change, and in tests)."""
    with _lock:
        _seen.clear()
