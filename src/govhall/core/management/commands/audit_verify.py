"""``govhall audit-verify``: check the audit chain; exit status 1 when it is broken.

The result is recorded (``core.integrity``): health reports read it, and a broken chain is
told to the security auditors."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govhall.core.audit import audit_chain_verify
from govhall.core.integrity import integrity_result_record
from govhall.core.models import AuditRecord


class Command(BaseCommand):
    help = "Verify the hash-chained audit log and report every modified or missing record."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [f"#{p.sequence}: {p.problem}" for p in audit_chain_verify()]
        for problem in problems:
            self.stderr.write(problem)
        summary = f"{AuditRecord.objects.count()} records"
        integrity_result_record(check="audit_chain", problems=problems, summary=summary)
        if problems:
            raise CommandError(f"audit chain is broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit chain intact: {summary}")
