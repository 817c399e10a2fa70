"""Template context of every page: the unread notifications of the signed-in account."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from govhall.identity.models import User
from govhall.notifications.selectors import unread_count

#: Pages cached whole and served to every visitor (portal/caching.py): nothing per account.
PAGES_CACHED_WHOLE = frozenset({"portal:guide"})


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int | None]]:
    """``unread_notifications``: the count for a signed-in account, ``None`` otherwise.

    A callable, so the template engine runs the one indexed count only on pages that show
    it, at most once per request; anonymous visitors cost no query (the session is only
    read when a session cookie came with the request).
    """

    @cache
    def count() -> int | None:
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in PAGES_CACHED_WHOLE:
            return None
        user = getattr(request, "user", None)
        if not isinstance(user, User):
            return None
        return unread_count(user)

    return {"unread_notifications": count}
