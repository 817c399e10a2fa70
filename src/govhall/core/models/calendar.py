"""The working-day calendar table (工作日历).

Only exceptions to "Monday to Friday work" are stored: holidays and adjusted working days
(调休). A year is *official* once the State Council's schedule for it is loaded; for any other
year the engine falls back to statutory holidays alone and marks results provisional.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    STATUTORY = "statutory", _("Statutory holidays only (provisional)")
    ADMIN = "admin", _("Entered by an administrator")
    IMPORT = "import", _("Imported file")


class CalendarYear(PublicModel):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_official = models.BooleanField(
        _("official schedule loaded"),
        default=False,
        help_text=_("False while only statutory holidays are known: results are provisional."),
    )
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    document = models.CharField(
        _("State Council notice"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 国办发明电〔2025〕7号"),
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (non-working)")
    ADJUSTED_WORKING = "adjusted_working", _("Adjusted working day (调休)")


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday rule."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
