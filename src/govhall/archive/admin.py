"""The workbench's view of stored files: read-only (only ``stored_file_put`` writes them)."""

from __future__ import annotations

from django.contrib import admin

from govhall.archive.models import StoredFile
from govhall.core.admin_base import ReadOnlyAdmin


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("sm3", "extension", "size", "page_count", "first_stored_by", "created_at")
    list_filter = ("extension",)
    list_select_related = ("first_stored_by",)
    search_fields = ("=sm3",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "uuid",
        "sm3",
        "size",
        "content_type",
        "extension",
        "storage_name",
        "page_count",
        "first_stored_by",
        "created_at",
        "updated_at",
    )
