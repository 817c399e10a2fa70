"""``govhall audit-verify``: check the audit chain; exit status 1 when it is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govhall.core.audit import audit_chain_verify
from govhall.core.models import AuditRecord


class Command(BaseCommand):
    help = "Verify the hash-chained audit log and report every modified or missing record."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_chain_verify())
        for problem in problems:
            self.stderr.write(f"#{problem.sequence}: {problem.problem}")
        if problems:
            raise CommandError(f"audit chain is broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit chain intact: {AuditRecord.objects.count()} records")
