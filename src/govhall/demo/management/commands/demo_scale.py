"""``govhall demo-scale``: add synthetic catalog items for benchmarks, or purge them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.demo.scale import DEFAULT_SEED, demo_scale, demo_scale_purge


class Command(BaseCommand):
    help = (
        "Add N synthetic implementation items (one handling item and one published guide "
        "each) over Guizhou's 88 counties, for benchmarks; --purge deletes only synthetic rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--items", type=int, default=0, help="How many items to add.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--purge", action="store_true", help="Delete every synthetic row instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        if options["purge"]:
            purged = demo_scale_purge(progress=progress)
            self.stdout.write(
                f"purged {purged.implementations:,} synthetic items, {purged.base_items:,} base "
                f"items, {purged.departments:,} departments in {purged.seconds:.1f} s"
            )
            return
        if options["items"] <= 0:
            raise CommandError("give --items N (N > 0), or --purge")
        try:
            report = demo_scale(items=options["items"], seed=options["seed"], progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for note in report.notes:
            self.stdout.write(note)
        rate = report.implementations / report.seconds if report.seconds else 0.0
        self.stdout.write(
            f"added {report.implementations:,} items ({report.materials:,} materials), "
            f"+{report.departments} departments, +{report.base_items} base items "
            f"in {report.seconds:.1f} s ({rate:,.0f} items/s)"
        )
