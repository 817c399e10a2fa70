"""The workbench's view of stored files and archive volumes: read-only (only ``stored_file_put``
and ``archive_volume_create`` write them; an archived entry is never altered), volumes scoped to
the staff member's department and region."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from govhall.archive.models import ArchiveEntry, ArchiveVolume, StoredFile
from govhall.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from govhall.core.scoping import StaffScope


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


class ArchiveEntryInline(ReadOnlyInline):
    model = ArchiveEntry
    fields = ("sequence", "kind", "title", "sm3", "size", "hash")
    readonly_fields = fields


@admin.register(ArchiveVolume)
class ArchiveVolumeAdmin(ReadOnlyAdmin):
    inlines = (ArchiveEntryInline,)
    list_display = (
        "case_number",
        "item_name",
        "department_name",
        "class_code",
        "class_name",
        "retention",
        "closed_on",
        "retain_until",
        "entry_count",
    )
    list_filter = ("retention", "outcome", "class_code")
    search_fields = ("=case_number", "item_name", "=item_code")
    date_hierarchy = "closed_on"
    ordering = ("-sequence",)
    exclude = ("department",)
    readonly_fields = (
        "sequence",
        "case_number",
        "department_name",
        "department_code",
        "item_code",
        "item_name",
        "item_type_code",
        "outcome",
        "class_code",
        "class_name",
        "retention",
        "closed_on",
        "archived_at",
        "retain_until",
        "entry_count",
        "previous_hash",
        "header_hash",
        "hash",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request), region="department__region", department="department"
        )
