"""Admin: review rules uploaded as DMN files from any standard modeler — checked by
``rule_set_check`` (its problems become form errors at the file), saved as a draft by
``rule_set_save``, published by the ``publish`` action through ``rule_set_publish``; published
and superseded revisions are read-only. An item's automatic-review settings change through
``automation_set``. Both lists are scoped to the staff member's region and department.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import HandlingItem, ItemVersion, VersionState
from govhall.core.errors import DomainError, ValidationFailed, error_text
from govhall.core.scoping import StaffScope
from govhall.identity.models import User
from govhall.rules.dmn import dmn_upload_text
from govhall.rules.models import ItemAutomation, RuleSet, RuleSetState
from govhall.rules.services import automation_set, rule_set_check, rule_set_publish, rule_set_save

MANAGE = "rules.manage_rules"
#: Shown for every revision; a draft's file can be replaced, its settings changed.
DESCRIBED = ("revision", "state", "name", "sm3", "input_names", "created_by", "published_by")


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class RuleSetForm(forms.ModelForm):  # type: ignore[type-arg]
    """A DMN file for an item version; the service checks it before anything is kept."""

    dmn_file = forms.FileField(
        label=_("DMN file"),
        required=False,
        help_text=_(
            "A DMN 1.1–1.3 decision table from any standard modeler: one table, outputs "
            "outcome, reason and optionally pending_days. For a draft, leave it empty to keep "
            "the current table."
        ),
    )

    class Meta:
        model = RuleSet
        fields = ("version", "instant_approval", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dmn_file"].required = self.instance.pk is None

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("dmn_file")
        version = data.get("version") or (self.instance.version if self.instance.pk else None)
        data["dmn"] = self.instance.dmn if self.instance.pk else ""
        if upload:
            try:
                data["dmn"] = dmn_upload_text(upload)
            except ValidationFailed as refused:
                self.add_error("dmn_file", str(refused.errors[0].message))
                return data
        if version is not None and data["dmn"]:
            try:
                rule_set_check(version, data["dmn"])
            except ValidationFailed as error:
                for problem in error.errors:
                    self.add_error("dmn_file", str(problem.message))
        return data


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RuleSetForm
    list_display = ("name", "version", "revision", "state", "instant_approval", "published_at")
    list_filter = ("state", "instant_approval")
    list_select_related = ("version__handling_item",)
    search_fields = (
        "name",
        "version__handling_item__name",
        "version__handling_item__handling_code",
    )
    raw_id_fields = ("version",)
    actions = ["publish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request),
            region="version__handling_item__implementation__region",
            department="version__handling_item__implementation__department",
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "version":
            # Only a guide being prepared or in force, of the staff member's department.
            kwargs["queryset"] = StaffScope.for_user(request.user).filter(
                ItemVersion.objects.filter(
                    state__in=(VersionState.DRAFT, VersionState.IN_REVIEW, VersionState.PUBLISHED)
                ),
                region="handling_item__implementation__region",
                department="handling_item__implementation__department",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("version", "dmn_file", "instant_approval", "note")
        if obj.state == RuleSetState.DRAFT:
            return ("version", *DESCRIBED, "dmn_file", "instant_approval", "note", "dmn")
        return ("version", *DESCRIBED, "published_at", "instant_approval", "note", "dmn")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("version", *DESCRIBED, "published_at", "dmn")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Published and superseded revisions never change: decisions name them."""
        editable = obj is None or obj.state == RuleSetState.DRAFT
        return editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_manage_rules_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = rule_set_save(
            version=obj.version,
            dmn=data["dmn"],
            actor=_actor(request),
            instant_approval=data["instant_approval"],
            note=data.get("note", ""),
            draft=obj if change else None,
        )
        obj.pk, obj.uuid, obj.revision = saved.pk, saved.uuid, saved.revision

    @admin.action(description=_("Publish the selected drafts"), permissions=["manage_rules"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for rule_set in queryset.order_by("revision"):
            try:
                rule_set_publish(rule_set=rule_set, actor=_actor(request))
                done += 1
            except DomainError as error:  # not a draft, or its inputs no longer supplied
                messages.error(request, f"{rule_set}: {error_text(error)}")
        if done:
            messages.success(request, _("%(count)d revision(s) published.") % {"count": done})


class ItemAutomationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ItemAutomation
        fields = ("handling_item", "manual_only", "reason", "spot_check_percent")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        # automation_set's rule, repeated here so that the error lands at the field before
        # anything is saved (the service has no check-only counterpart); it checks again.
        if data.get("manual_only") and not str(data.get("reason") or "").strip():
            self.add_error("reason", _("State the reasons."))
        return data


@admin.register(ItemAutomation)
class ItemAutomationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ItemAutomationForm
    list_display = (
        "handling_item",
        "manual_only",
        "spot_check_percent",
        "changed_by",
        "updated_at",
    )
    list_filter = ("manual_only",)
    list_select_related = ("handling_item", "changed_by")
    search_fields = ("handling_item__name", "handling_item__handling_code")
    raw_id_fields = ("handling_item",)
    readonly_fields = ("changed_by", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request),
            region="handling_item__implementation__region",
            department="handling_item__implementation__department",
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "handling_item":
            kwargs["queryset"] = StaffScope.for_user(request.user).filter(
                HandlingItem.objects.all(),
                region="implementation__region",
                department="implementation__department",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            ("handling_item", "changed_by", "updated_at") if obj else ("changed_by", "updated_at")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Every item has settings (the defaults until changed): the first change adds the
        row, so changing the settings is what it takes."""
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = automation_set(
            item=obj.handling_item,
            actor=_actor(request),
            manual_only=data["manual_only"],
            spot_check_percent=data["spot_check_percent"],
            reason=data.get("reason", ""),
        )
        obj.pk = saved.pk
