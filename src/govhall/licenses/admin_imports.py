"""Admin of legacy stock imports (存量入库): upload an issuer's register for a license type,
then follow the import — status, progress, and for a rejected file every problem by row.

Uploading calls ``license_import_create`` and enqueues ``license_import_task`` after the
commit; the task validates and imports (the embedded profile's ``db_worker`` runs it). Staff
see and upload only for the departments of their scope (``StaffScope``); imports are never
edited or deleted here, a failed one can be resumed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from govhall.catalog.admin import XLSX, file_download
from govhall.catalog.spreadsheets.report import import_report_xlsx
from govhall.core.errors import Conflict, DomainError, error_text
from govhall.core.models import Department
from govhall.core.scoping import StaffScope
from govhall.licenses.imports.reading import file_problem
from govhall.licenses.imports.template import license_import_template
from govhall.licenses.imports.validation import report_row_errors
from govhall.licenses.models import (
    DEFAULT_BATCH_SIZE,
    LicenseImport,
    LicenseImportStatus,
    LicenseType,
)
from govhall.licenses.services.imports import (
    MAX_BATCH_SIZE,
    license_import_create,
    license_import_resume,
)
from govhall.licenses.services.seals import seal_for_signing

#: Problems shown on the page; the downloadable report has them all.
SHOWN_PROBLEMS = 500


def scoped_issuers(request: HttpRequest) -> QuerySet[Department]:
    """The departments the user may import for: their own, or those of their region."""
    scope = StaffScope.for_user(request.user)
    departments = scope.filter(Department.objects.select_related("region"), region="region")
    if scope.department_id is not None:
        departments = departments.filter(pk=scope.department_id)
    return departments.order_by("name")


def _enqueue(license_import: LicenseImport) -> None:
    from govhall.licenses.tasks import license_import_task  # the task module imports services

    uuid = str(license_import.uuid)
    transaction.on_commit(lambda: license_import_task.enqueue(uuid))


class LicenseImportForm(forms.ModelForm):  # type: ignore[type-arg]
    batch_size = forms.IntegerField(
        label=_("rows per batch"), min_value=1, max_value=MAX_BATCH_SIZE, initial=DEFAULT_BATCH_SIZE
    )
    upload = forms.FileField(
        label=_("register (.xlsx or .csv)"),
        help_text=_("The first sheet, one license a row, under the template's header row."),
    )

    class Meta:
        model = LicenseImport
        fields = ("license_type", "issuer", "batch_size")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            content = upload.read()
            problem = file_problem(
                file_name=upload.name,
                data=content,
                max_bytes=settings.GOVHALL["IMPORT_MAX_BYTES"],
            )
            if problem is not None:
                self.add_error("upload", str(problem.message))
            data["content"] = content
        issuer = data.get("issuer")
        if issuer is not None:
            try:
                seal_for_signing(issuer, timezone.localdate())
            except Conflict as error:
                self.add_error("issuer", str(error.detail))
        return data


@admin.register(LicenseImport)
class LicenseImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = LicenseImportForm
    list_display = ("file_name", "license_type", "issuer", "status", "progress", "created_at")
    list_filter = ("status", "license_type")
    list_select_related = ("license_type", "issuer")
    search_fields = ("file_name", "file_sm3")
    actions = ["resume"]
    readonly_fields = (
        "file_name",
        "file_sm3",
        "file_size",
        "license_type",
        "issuer",
        "created_by",
        "created_at",
        "status",
        "progress",
        "failure",
        "finished_at",
        "problems",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return StaffScope.for_user(request.user).filter(
            super().get_queryset(request), region="issuer__region", department="issuer"
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": ("license_type", "issuer", "upload", "batch_size"),
                        "description": self._templates(),
                    },
                )
            ]
        return [(None, {"fields": self.readonly_fields})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "issuer":
            kwargs["queryset"] = scoped_issuers(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an import changes only through its services

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # its licenses point to it

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = license_import_create(
            file_name=data["upload"].name,
            data=data["content"],
            license_type=data["license_type"],
            issuer=data["issuer"],
            actor=request.user,
            batch_size=data["batch_size"],
        )
        obj.pk, obj.uuid, obj.file_name = created.pk, created.uuid, created.file_name
        _enqueue(created)

    @admin.display(description=_("progress"))
    def progress(self, obj: LicenseImport) -> str:
        percent = 100 * obj.imported_rows // obj.total_rows if obj.total_rows else 0
        return str(
            _("%(imported)s of %(total)s rows (%(percent)s%%), batch %(batch)s of %(batches)s")
            % {
                "imported": obj.imported_rows,
                "total": obj.total_rows,
                "percent": percent,
                "batch": obj.last_batch,
                "batches": obj.batches,
            }
        )

    @admin.display(description=_("problems"))
    def problems(self, obj: LicenseImport) -> SafeString | str:
        if not obj.report:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            (
                (
                    entry["row"] or "",
                    entry["column"],
                    entry["field"],
                    entry["code"],
                    entry["message"],
                )
                for entry in obj.report[:SHOWN_PROBLEMS]
            ),
        )
        link = reverse("admin:licenses_licenseimport_report", args=[obj.pk])
        return format_html(
            '<p><a href="{}">{}</a></p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            link,
            _("Download the report (.xlsx)"),
            _("Row"),
            _("Column"),
            _("Field"),
            _("Code"),
            _("Problem"),
            rows,
        )

    @admin.action(description=_("Resume the selected failed imports"))
    def resume(self, request: HttpRequest, queryset: QuerySet[LicenseImport]) -> None:
        if not request.user.has_perm("licenses.add_licenseimport"):
            raise PermissionDenied
        for license_import in queryset.filter(status=LicenseImportStatus.FAILED):
            try:
                resumed = license_import_resume(license_import=license_import, actor=request.user)
            except DomainError as error:
                messages.error(request, error_text(error))
                continue
            _enqueue(resumed)
            messages.success(
                request,
                _("%(file)s resumes after batch %(batch)s.")
                % {"file": resumed.file_name, "batch": resumed.last_batch},
            )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="licenses_licenseimport_report",
            ),
            path(
                "template/<uuid:type_uuid>/",
                self.admin_site.admin_view(self.template_view),
                name="licenses_licenseimport_template",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        license_import = self.get_object(request, object_id)
        if license_import is None or not self.has_view_permission(request, license_import):
            raise PermissionDenied
        return file_download(
            import_report_xlsx(report_row_errors(license_import.report)), "report.xlsx", XLSX
        )

    def template_view(self, request: HttpRequest, type_uuid: Any) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        license_type = LicenseType.objects.filter(uuid=type_uuid).first()
        if license_type is None:
            raise PermissionDenied
        return file_download(
            license_import_template(license_type), f"{license_type.type_code}.xlsx", XLSX
        )

    def _templates(self) -> SafeString:
        links = format_html_join(
            "、",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:licenses_licenseimport_template", args=[t.uuid]), t.name)
                for t in LicenseType.objects.order_by("type_code")
            ),
        )
        return format_html("{} {}", _("Templates:"), links)
