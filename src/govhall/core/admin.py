"""Kernel admin: regions, departments, the calendar (with the year-schedule loader), audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from govhall.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from govhall.core.calendar import calendar_year_load, parse_schedule
from govhall.core.errors import ValidationFailed
from govhall.core.models import (
    AuditRecord,
    CalendarDay,
    CalendarYear,
    Department,
    OutboxDelivery,
    OutboxEvent,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "is_current")
    list_filter = ("level", "is_current")
    search_fields = ("code", "name")
    readonly_fields = ("uuid",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "credit_code", "region", "level", "nature")
    list_filter = ("level", "nature")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("region", "parent")
    list_select_related = ("region",)


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    extra = 0


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    document = forms.CharField(label=_("State Council notice"), max_length=200)
    schedule = forms.CharField(
        label=_("Schedule"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "One day per line: date,holiday|adjusted_working,name — e.g. 2027-01-01,holiday,元旦"
        ),
        required=False,
    )
    file = forms.FileField(label=_("or a CSV file"), required=False)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("year", "is_official", "source", "document", "updated_at")
    readonly_fields = ("year", "is_official", "source", "document", "loaded_by")
    inlines = [CalendarDayInline]
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "load/", self.admin_site.admin_view(self.load_view), name="core_calendaryear_load"
            ),
            *super().get_urls(),
        ]

    def load_view(self, request: HttpRequest) -> HttpResponse:
        """Load the State Council's schedule for a year (form or CSV upload)."""
        if not request.user.has_perm("core.change_calendaryear"):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ScheduleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["schedule"]
            upload = form.cleaned_data.get("file")
            if upload:
                text = upload.read().decode("utf-8-sig", errors="replace")
            try:
                days = parse_schedule(text, year=form.cleaned_data["year"])
                calendar_year_load(
                    year=form.cleaned_data["year"],
                    days=days,
                    document=form.cleaned_data["document"],
                    actor=request.user,
                )
            except ValidationFailed as error:
                for field_error in error.errors:
                    form.add_error(None, f"{field_error.field}: {field_error.message}")
            else:
                messages.success(request, _("The schedule was loaded."))
                return HttpResponseRedirect(reverse("admin:core_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Load a year's schedule"),
        }
        return render(request, "admin/core/calendaryear/load.html", context)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "actor_label")


class OutboxDeliveryInline(ReadOnlyInline):
    model = OutboxDelivery
    fields = ("subscriber", "delivered_at")
    readonly_fields = fields


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """The outbox, to see what is pending or failing; the dispatcher owns every write."""

    list_display = ("id", "topic", "created_at", "attempts", "available_at", "delivered_at")
    list_filter = (("delivered_at", admin.EmptyFieldListFilter),)
    search_fields = ("=uuid", "topic")
    fields = (
        "uuid",
        "topic",
        "payload",
        "created_at",
        "available_at",
        "attempts",
        "delivered_at",
        "last_error",
    )
    inlines = [OutboxDeliveryInline]
    show_full_result_count = False
