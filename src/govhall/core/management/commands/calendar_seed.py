"""``govhall calendar-seed``: fill missing years of the working-day calendar table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govhall.core.calendar import calendar_seed


class Command(BaseCommand):
    help = (
        "Fill the working-day calendar for the configured years: official years from "
        "chinesecalendar, later years with statutory holidays only (provisional)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        added = calendar_seed()
        self.stdout.write(f"calendar: {added} year(s) added")
