"""Notification reads."""

from __future__ import annotations

from django.db.models import QuerySet

from govhall.identity.models import User
from govhall.notifications.models import Notification


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """One indexed count (recipient, read_at)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


__all__ = ["notifications_for", "unread_count"]
