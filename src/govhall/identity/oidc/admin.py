"""Admin: which systems each user signed in to through govhall.

Relying parties themselves are managed on DOT's own Application admin (kept as DOT registers
it). Connected systems are a record of what happened, written only by sign-ins, so this page
is read-only: nobody edits a count or a date by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govhall.identity.models import ConnectedSystem


@admin.register(ConnectedSystem)
class ConnectedSystemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "user",
        "application",
        "first_signed_in_at",
        "last_signed_in_at",
        "sign_in_count",
    )
    list_filter = ("application",)
    list_select_related = ("user", "application")
    search_fields = ("user__username",)
    date_hierarchy = "last_signed_in_at"
    ordering = ("-last_signed_in_at",)
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
