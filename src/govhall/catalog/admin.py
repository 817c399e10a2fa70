"""The catalog staff's workbench in the Django admin, scoped to department and region.

Admin forms edit drafts only; every save goes through a catalog service so the rules and
the audit record are the same as for the API and imports.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from govhall.catalog.exports import rows_to_csv, rows_to_xlsx
from govhall.catalog.models import (
    Agency,
    AgencyQualification,
    BaseItem,
    Expert,
    HandlingItem,
    Implementation,
    IntermediaryService,
    ItemType,
    ItemVersion,
    MaterialRequirement,
    Publication,
    PublicationKind,
    SpecialProcedure,
    Theme,
    VersionState,
)
from govhall.catalog.revision import catalog_changed
from govhall.catalog.selectors import consistency_report, publication_diff
from govhall.catalog.services.items import implementation_update
from govhall.catalog.services.publications import publication_create
from govhall.catalog.services.versions import (
    item_version_check,
    item_version_new_draft,
    item_version_publish,
    item_version_save_draft,
    item_version_submit,
)
from govhall.catalog.spreadsheets import (
    ImportFailed,
    catalog_export,
    catalog_import,
    import_report_xlsx,
)
from govhall.core.errors import DomainError, ValidationFailed
from govhall.core.messages import report_error
from govhall.core.scoping import StaffScope


def scoped_implementations(
    request: HttpRequest, queryset: QuerySet[Any], path: str = ""
) -> QuerySet[Any]:
    """Restrict ``queryset`` (reached through ``path`` to an implementation) to the user's scope."""
    return StaffScope.for_user(request.user).filter(
        queryset, region=f"{path}region", department=f"{path}department"
    )


class ProvinceWideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Province-wide dictionaries: only province-wide staff may change them."""

    def _province_wide(self, request: HttpRequest) -> bool:
        return StaffScope.for_user(request.user).is_province_wide

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._province_wide(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._province_wide(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        catalog_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        catalog_changed()


@admin.register(ItemType)
class ItemTypeAdmin(ProvinceWideAdmin):
    list_display = ("code", "name", "order")


@admin.register(Theme)
class ThemeAdmin(ProvinceWideAdmin):
    list_display = ("name", "audience", "order", "key")
    list_filter = ("audience",)


@admin.register(BaseItem)
class BaseItemAdmin(ProvinceWideAdmin):
    list_display = ("base_code", "name", "item_type", "item_list", "domain", "is_active")
    list_filter = ("item_type", "item_list", "domain")
    search_fields = ("base_code", "name", "synonyms")
    readonly_fields = ("base_code", "item_type", "parent")
    filter_horizontal = ("themes",)


class HandlingItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HandlingItem
    fields = ("handling_code", "kind", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))
    publish = forms.BooleanField(
        label=_("Publish the new guide versions at once"), required=False, initial=True
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Implementation)
class ImplementationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("implementation_code", "name", "department", "region", "level", "is_active")
    list_filter = ("level", "item_type")
    search_fields = ("implementation_code", "name", "base_code")
    list_select_related = ("department", "region")
    inlines = [HandlingItemInline]
    readonly_fields = (
        "implementation_code",
        "base_item",
        "department",
        "region",
        "level",
        "name",
        "base_code",
        "item_type",
        "competent_department",
        "authority_nature",
        "legal_basis",
    )
    fields = (
        *readonly_fields,
        "power_source",
        "pc_url",
        "mobile_url",
        "is_single_login",
        "is_active",
    )

    change_list_template = "admin/catalog/implementation/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped_implementations(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_implementation_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="catalog_implementation_export",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save through the service: it refuses uniform elements, reindexes and audits."""
        stored = Implementation.objects.get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        implementation_update(actor=request.user, implementation=stored, changes=changes)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "can_import": StaffScope.for_user(request.user).is_province_wide
            and request.user.has_perm("catalog.add_baseitem"),
        }
        return super().changelist_view(request, context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The user's part of the catalog as the import workbook."""
        scope = StaffScope.for_user(request.user)
        if scope.is_empty:
            raise PermissionDenied
        return file_download(
            catalog_export(region_prefix=scope.region_prefix), "catalog.xlsx", XLSX
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a workbook: all rows are checked first; any error imports nothing and
        offers the row-by-row report for download."""
        if not StaffScope.for_user(request.user).is_province_wide or not request.user.has_perm(
            "catalog.add_baseitem"
        ):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[Any] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                report = catalog_import(
                    actor=request.user, data=data, publish=form.cleaned_data["publish"]
                )
            except ImportFailed as failure:
                errors = failure.errors
                if request.POST.get("download_report"):
                    return file_download(import_report_xlsx(errors), "import-report.xlsx", XLSX)
            else:
                messages.success(
                    request,
                    _(
                        "Imported: %(items)d base items, %(implementations)d implementations, "
                        "%(versions)d guide versions; %(unchanged)d rows unchanged."
                    )
                    % {
                        "items": report.created_base_items,
                        "implementations": report.created_implementations,
                        "versions": report.created_versions,
                        "unchanged": report.unchanged,
                    },
                )
                return HttpResponseRedirect(reverse("admin:catalog_implementation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "errors": errors,
            "title": _("Import the catalog from Excel"),
        }
        return render(request, "admin/catalog/implementation/import.html", context)


@admin.register(HandlingItem)
class HandlingItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("handling_code", "name", "kind", "implementation")
    search_fields = ("handling_code", "name")
    readonly_fields = ("handling_code", "implementation", "kind")
    actions = ["start_new_draft"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped_implementations(request, super().get_queryset(request), "implementation__")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Start a new draft version of the guide"))
    def start_new_draft(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for item in queryset:
            try:
                version = item_version_new_draft(actor=request.user, handling_item=item)
            except DomainError as error:
                report_error(request, error)
            else:
                messages.success(request, _("Draft %(version)s created.") % {"version": version})


class MaterialInline(admin.StackedInline):  # type: ignore[type-arg]
    model = MaterialRequirement
    extra = 0
    exclude = ("uuid",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == VersionState.DRAFT

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission


class ProcedureInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SpecialProcedure
    extra = 0
    exclude = ("uuid",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == VersionState.DRAFT

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "handling_item",
        "number",
        "state",
        "legal_limit_days",
        "promised_limit_days",
        "published_at",
    )
    list_filter = ("state", "case_kind")
    search_fields = ("handling_item__name", "handling_item__handling_code")
    list_select_related = ("handling_item",)
    inlines = [MaterialInline, ProcedureInline]
    readonly_fields = (
        "handling_item",
        "number",
        "state",
        "published_at",
        "published_by",
        "review_note",
    )
    exclude = ("uuid",)
    actions = ["submit_for_review", "publish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped_implementations(
            request, super().get_queryset(request), "handling_item__implementation__"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        editable = obj is None or obj.state == VersionState.DRAFT
        return editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        item_version_save_draft(actor=request.user, version=obj, changed=list(form.changed_data))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationFailed as error:
            report_error(request, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class CheckedForm(form_class):  # type: ignore[misc, valid-type]
            """Run the time-limit rules on the form, so errors appear next to the fields."""

            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                probe = ItemVersion(
                    case_kind=data.get("case_kind", ""),
                    legal_limit_days=data.get("legal_limit_days") or 0,
                    promised_limit_days=data.get("promised_limit_days") or 0,
                    promised_waiver_reason=data.get("promised_waiver_reason", ""),
                    visits=data.get("visits") or 0,
                    application_form=data.get("application_form") or {},
                )
                try:
                    item_version_check(version=probe)
                except ValidationFailed as error:
                    for field_error in error.errors:
                        name, _dot, where = field_error.field.partition(".")
                        message = (
                            f"{where}: {field_error.message}" if where else field_error.message
                        )
                        self.add_error(name, str(message))
                return data

        return CheckedForm

    @admin.action(description=_("Submit for review"))
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._run(request, queryset, item_version_submit)

    @admin.action(description=_("Publish (after review)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        if (
            not request.user.has_perm("catalog.publish_itemversion")
            and not request.user.is_superuser
        ):
            messages.error(request, _("You may not publish guides."))
            return
        self._run(request, queryset, item_version_publish)

    def _run(self, request: HttpRequest, queryset: QuerySet[Any], service: Any) -> None:
        done = 0
        for version in queryset:
            try:
                service(actor=request.user, version=version)
                done += 1
            except DomainError as error:
                report_error(request, error)
        if done:
            messages.success(request, _("%(count)d version(s) updated.") % {"count": done})


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Release kind"), choices=PublicationKind.choices)
    published_on = forms.DateField(
        label=_("Published on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DiffForm(forms.Form):
    old = forms.ModelChoiceField(
        label=_("Earlier publication"), queryset=Publication.objects.all(), to_field_name="uuid"
    )
    new = forms.ModelChoiceField(
        label=_("Later publication"), queryset=Publication.objects.all(), to_field_name="uuid"
    )
    export = forms.ChoiceField(
        label=_("Export"),
        choices=[("", _("Show here")), ("csv", "CSV"), ("xlsx", "Excel (.xlsx)")],
        required=False,
    )


DIFF_HEADER = ("change", "handling_code", "name", "field", "detail")


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Publications are made by freezing the published versions, never edited by hand."""

    list_display = ("title", "kind", "published_on", "entry_count")
    readonly_fields = ("title", "kind", "published_on", "note", "created_by")
    exclude = ("uuid",)
    change_list_template = "admin/catalog/publication/change_list.html"

    @admin.display(description=_("Versions"))
    def entry_count(self, obj: Publication) -> int:
        return obj.entries.count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path(
                "publish/",
                self.admin_site.admin_view(self.publish_view),
                name="catalog_publication_publish",
            ),
            path(
                "diff/", self.admin_site.admin_view(self.diff_view), name="catalog_publication_diff"
            ),
            path(
                "consistency/",
                self.admin_site.admin_view(self.consistency_view),
                name="catalog_consistency_report",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        """Freeze the currently published versions into a June, December or ad hoc release."""
        if not StaffScope.for_user(request.user).is_province_wide or not request.user.has_perm(
            "catalog.publish_itemversion"
        ):
            raise PermissionDenied
        form = PublicationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                publication_create(actor=request.user, **form.cleaned_data)
            except ValidationFailed as error:
                for field_error in error.errors:
                    form.add_error(
                        field_error.field if field_error.field in form.fields else None,
                        str(field_error.message),
                    )
            else:
                messages.success(request, _("The publication was made."))
                return HttpResponseRedirect(reverse("admin:catalog_publication_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Make a publication"),
        }
        return render(request, "admin/form.html", context)

    def diff_view(self, request: HttpRequest) -> HttpResponse:
        """What changed between two publications; exportable as CSV or .xlsx."""
        form = DiffForm(request.GET or None)
        diff = None
        if form.is_valid():
            diff = publication_diff(form.cleaned_data["old"], form.cleaned_data["new"])
            export = form.cleaned_data.get("export")
            if export == "csv":
                return file_download(
                    rows_to_csv(DIFF_HEADER, diff.rows()), "publication-diff.csv", "text/csv"
                )
            if export == "xlsx":
                return file_download(
                    rows_to_xlsx("diff", DIFF_HEADER, diff.rows()),
                    "publication-diff.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "diff": diff,
            "title": _("Compare publications"),
        }
        return render(request, "admin/catalog/publication/diff.html", context)

    def consistency_view(self, request: HttpRequest) -> HttpResponse:
        """Every deviation from the six uniform elements, within the user's region."""
        scope = StaffScope.for_user(request.user)
        if scope.is_empty:
            raise PermissionDenied
        deviations = consistency_report(region_prefix=scope.region_prefix)
        if request.GET.get("export") == "csv":
            header = (
                "implementation_code",
                "department",
                "element",
                "base_value",
                "implementation_value",
            )
            rows = [
                (
                    d.implementation_code,
                    d.department,
                    d.element,
                    d.base_value,
                    d.implementation_value,
                )
                for d in deviations
            ]
            return file_download(rows_to_csv(header, rows), "consistency-report.csv", "text/csv")
        context = {
            **self.admin_site.each_context(request),
            "deviations": deviations,
            "title": _("Consistency report: same item, same name, same code"),
        }
        return render(request, "admin/catalog/consistency.html", context)


def file_download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """``content`` as an attachment named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class QualificationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AgencyQualification
    extra = 0


@admin.register(IntermediaryService)
class IntermediaryServiceAdmin(ProvinceWideAdmin):
    list_display = ("code", "name", "is_mandatory", "fee_basis")
    search_fields = ("code", "name")
    filter_horizontal = ("base_items",)
    exclude = ("uuid",)


@admin.register(Agency)
class AgencyAdmin(ProvinceWideAdmin):
    list_display = ("name", "credit_code", "phone")
    search_fields = ("name", "credit_code")
    filter_horizontal = ("services", "service_regions")
    inlines = [QualificationInline]
    exclude = ("uuid",)


@admin.register(Expert)
class ExpertAdmin(ProvinceWideAdmin):
    list_display = ("name", "title", "employer", "region")
    search_fields = ("name", "employer")
    filter_horizontal = ("departments",)
    exclude = ("uuid",)
