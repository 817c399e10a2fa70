"""Cases in the workbench: read-only and scoped to the staff member's region and department;
actions go through the case services (the API today; work-queue pages come next)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import Case, CaseAction, ClockStop, VersionProcess
from govhall.cases.processes import TEMPLATES
from govhall.cases.services.process import version_process_check, version_process_set
from govhall.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from govhall.core.errors import ValidationFailed
from govhall.core.scoping import StaffScope
from govhall.identity.models import User


class CaseActionInline(ReadOnlyInline):
    model = CaseAction
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


class ClockStopInline(ReadOnlyInline):
    model = ClockStop
    fields = ("kind", "reason", "started_on", "ended_on")
    readonly_fields = fields


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


class VersionProcessForm(forms.ModelForm):  # type: ignore[type-arg]
    """Pick a template or upload a BPMN file; the service checks either before it is kept."""

    template = forms.ChoiceField(
        label=_("process template"),
        required=False,
        choices=[("", _("— upload a BPMN file instead —"))]
        + [(key, f"{t.title_zh} {t.title_en}") for key, t in TEMPLATES.items()],
    )
    bpmn_file = forms.FileField(
        label=_("BPMN file"),
        required=False,
        help_text=_("BPMN 2.0 XML from any modeler; no scripts, conditions or timers."),
    )
    departments_text = forms.CharField(
        label=_("joint departments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Joint approval: one unified social credit code per line."),
    )

    class Meta:
        model = VersionProcess
        fields = ("version",)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("bpmn_file")
        data["bpmn"] = upload.read().decode("utf-8", errors="replace") if upload else ""
        data["departments"] = data.get("departments_text", "").split()
        try:
            version_process_check(
                template=data.get("template") or "",
                bpmn=data["bpmn"],
                departments=data["departments"],
            )
        except ValidationFailed as error:
            for problem in error.errors:
                field = {"bpmn": "bpmn_file", "departments": "departments_text"}.get(
                    problem.field, "template"
                )
                self.add_error(field, f"{problem.message}")
        return data


@admin.register(VersionProcess)
class VersionProcessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = VersionProcessForm
    list_display = ("version", "template", "set_by", "updated_at")
    list_select_related = ("version__handling_item", "set_by")
    search_fields = ("version__handling_item__name", "version__handling_item__handling_code")
    raw_id_fields = ("version",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request),
            region="version__handling_item__implementation__region",
            department="version__handling_item__implementation__department",
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        assert isinstance(request.user, User)
        saved = version_process_set(
            actor=request.user,
            version=data["version"],
            template=data.get("template") or "",
            bpmn=data["bpmn"],
            departments=data["departments"],
        )
        obj.pk, obj.uuid = saved.pk, saved.uuid
