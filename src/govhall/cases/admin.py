"""Cases in the workbench: read-only and scoped to the staff member's region and department;
actions go through the case services (the API today; work-queue pages come next)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from govhall.cases.models import Case, CaseAction, ClockStop
from govhall.core.admin_base import ReadOnlyAdmin
from govhall.core.scoping import StaffScope


class CaseActionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CaseAction
    extra = 0
    can_delete = False
    fields = (
        "sequence",
        "occurred_at",
        "action",
        "from_state",
        "to_state",
        "actor_label",
        "role",
        "opinion",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClockStopInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ClockStop
    extra = 0
    can_delete = False
    fields = ("kind", "reason", "started_on", "ended_on")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "applicant_name",
        "state",
        "department",
        "received_on",
        "promised_due_on",
        "legal_due_on",
    )
    list_filter = ("state", "channel")
    search_fields = ("number", "applicant_name")
    list_select_related = ("department",)
    date_hierarchy = "received_at"
    fields = (
        "number",
        "version",
        "applicant_name",
        "basis",
        "channel",
        "state",
        "received_at",
        "received_on",
        "accepted_on",
        "promised_due_on",
        "legal_due_on",
        "due_provisional",
        "decided_at",
        "form_data",
    )
    readonly_fields = fields
    inlines = (CaseActionInline, ClockStopInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request), department="department"
        )
