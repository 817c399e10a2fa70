"""Admin: seals are created through ``seal_create`` (a key pair is generated; keys are never
shown or edited); license types are edited with their face schema checked; licenses are
read-only here (issued by cases or by the issuance service, changed only by services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govhall.catalog.application_forms import form_schema_errors
from govhall.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from govhall.core.scoping import StaffScope
from govhall.licenses import admin_imports  # noqa: F401 - registers the legacy stock imports' admin
from govhall.licenses.identifiers import TYPE_CODE
from govhall.licenses.models import License, LicenseChange, LicenseType, Seal
from govhall.licenses.services.seals import seal_create, seal_problems


class SealForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Seal
        fields = ("department", "name", "valid_from", "valid_until", "revoked_on")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.instance.pk is None and data.get("valid_from") and data.get("valid_until"):
            for problem in seal_problems(
                name=data.get("name", ""),
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            ):
                self.add_error(problem.field, str(problem.message))
        return data


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SealForm
    list_display = (
        "name",
        "department",
        "valid_from",
        "valid_until",
        "revoked_on",
        "signer",
        "key_sm3",
    )
    list_select_related = ("department",)
    readonly_fields = ("key_sm3", "public_key_pem", "signer", "key_reference")
    search_fields = ("name", "department__name", "key_sm3")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request), region="department__region", department="department"
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # An existing seal keeps its key and validity; it can only be revoked.
        if obj is not None:
            return (
                "department",
                "name",
                "valid_from",
                "valid_until",
                "signer",
                "key_reference",
                "key_sm3",
                "public_key_pem",
            )
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # its licenses stay verifiable with its public key

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = seal_create(
            department=data["department"],
            name=data["name"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            actor=request.user,
        )
        obj.pk, obj.uuid = created.pk, created.uuid


class LicenseTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LicenseType
        fields = (
            "name",
            "type_code",
            "defining_authority",
            "holder_kind",
            "validity_years",
            "layout",
            "face_schema",
            "items",
        )

    def clean_type_code(self) -> str:
        code = str(self.cleaned_data["type_code"]).strip().upper()
        if not TYPE_CODE.fullmatch(code):
            raise forms.ValidationError(
                _("The defining authority's 18-character credit code and 3 digits.")
            )
        return code

    def clean_face_schema(self) -> Any:
        schema = self.cleaned_data["face_schema"]
        problems = form_schema_errors(schema, prefix="face_schema")
        if problems:
            raise forms.ValidationError([f"{e.field}: {e.message}" for e in problems])
        return schema


@admin.register(LicenseType)
class LicenseTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = LicenseTypeForm
    list_display = (
        "name",
        "type_code",
        "defining_authority",
        "holder_kind",
        "validity_years",
        "layout",
    )
    search_fields = ("name", "type_code")
    filter_horizontal = ("items",)


class LicenseChangeInline(ReadOnlyInline):
    model = LicenseChange
    fields = ("sequence", "kind", "reason", "occurred_on", "actor_label", "seal")
    extra = 0


@admin.register(License)
class LicenseAdmin(ReadOnlyAdmin):
    inlines = (LicenseChangeInline,)
    list_display = ("identifier", "license_type", "holder_name", "issuer", "issued_on", "status")
    list_filter = ("status", "license_type")
    list_select_related = ("license_type", "issuer")
    search_fields = ("identifier", "number", "case_number")
    exclude = ("holder_code_encrypted", "holder_code_index", "signature")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request), region="issuer__region", department="issuer"
        )
