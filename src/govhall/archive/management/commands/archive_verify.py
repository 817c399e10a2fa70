"""``govhall archive-verify``: re-read and re-hash the whole archive; exit status 1 on any
problem (each printed with its code). The result is recorded (``core.integrity``): health
reports read it, and a broken archive is told to the security auditors."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govhall.archive.verification import archive_verify
from govhall.core.integrity import integrity_result_record


class Command(BaseCommand):
    help = (
        "Verify the archive: every entry's bytes re-read from the storage and hashed with SM3, "
        "every link of the hash chain recomputed; report every problem."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = archive_verify()
        problems = []
        for problem in report.problems:
            place = problem.case_number or "head"
            if problem.entry is not None:
                place = f"{place} #{problem.entry}"
            problems.append(f"{problem.code} {place}: {problem.message}")
            self.stderr.write(problems[-1])
        summary = (
            f"{report.volumes} volumes, {report.entries} entries, {report.bytes_read} bytes read"
        )
        integrity_result_record(check="archive", problems=problems, summary=summary)
        if not report.intact:
            raise CommandError(
                f"archive is not intact: {len(report.problems)} problem(s); {summary}"
            )
        self.stdout.write(f"archive intact: {summary}")
