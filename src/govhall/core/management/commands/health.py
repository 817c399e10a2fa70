"""``govhall health``: the checks of ``/health/ready`` from a shell, for monitoring systems.

Exit status 0 ok, 1 degraded, 2 down — what Nagios-style plugins report (core.health).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govhall.core.health import health_report


class Command(BaseCommand):
    help = (
        "Check the database, file storage, cache, outbox and the latest integrity "
        "verifications; exit 0 ok, 1 degraded, 2 down."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for check in report.checks:
                self.stdout.write(
                    f"{check.name:10} {check.status.value:8} {check.summary} "
                    f"({check.milliseconds:.1f} ms)"
                )
            self.stdout.write(f"{'overall':10} {report.status.value}")
        sys.exit(report.exit_code)
