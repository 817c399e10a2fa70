"""``govhall calendar-load --year 2027 --document ... FILE.csv``: load a year's schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.calendar import calendar_year_load, parse_schedule
from govhall.core.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Load the State Council's holiday schedule for a year from a CSV of "
        "'date,holiday|adjusted_working,name' lines; the year becomes official."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--document", required=True, help="e.g. 国办发明电〔2026〕X号")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["file"].read_text(encoding="utf-8-sig")
        try:
            days = parse_schedule(text, year=options["year"])
            calendar_year_load(
                year=options["year"], days=days, document=options["document"], actor=None
            )
        except ValidationFailed as error:
            for problem in error.errors:
                self.stderr.write(f"{problem.field}: {problem.message}")
            raise CommandError("the schedule was not loaded") from error
        self.stdout.write(f"calendar: {options['year']} loaded ({len(days)} days)")
