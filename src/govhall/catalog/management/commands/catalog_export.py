"""``govhall catalog-export OUT.xlsx``: write the published catalog to an .xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.catalog.spreadsheets import catalog_export
from govhall.core.models import Region


class Command(BaseCommand):
    help = "Export every handling item with a published guide, with materials and processes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, metavar="OUT.xlsx", help="the workbook to write")
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="only this region and the regions inside it (6- or 12-digit division code)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = None
        if options["region"]:
            code = str(options["region"]).strip()
            region = Region.objects.filter(code=code.ljust(12, "0")).first()
            if region is None:
                raise CommandError(f"unknown region code {code}")
            prefix = region.prefix
        out: Path = options["out"]
        data = catalog_export(region_prefix=prefix)
        try:
            out.write_bytes(data)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from error
        self.stdout.write(f"wrote {out} ({len(data)} bytes)")
