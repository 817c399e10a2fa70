"""The workbench's view of notifications: read-only (only the services write them)."""

from __future__ import annotations

from django.contrib import admin

from govhall.core.admin_base import ReadOnlyAdmin
from govhall.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "case_number", "title", "read_at")
    list_select_related = ("recipient",)
    list_filter = ("topic",)
    search_fields = ("=case_number", "=event_uuid")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "uuid",
        "recipient",
        "event_uuid",
        "topic",
        "case_number",
        "title",
        "body",
        "link",
        "read_at",
        "created_at",
        "updated_at",
    )
