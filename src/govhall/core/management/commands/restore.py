"""``govhall restore FILE [--check]``: restore a backup into an empty installation, or only
check it (docs/backup.md). Exit status 1 on any refusal, and when the restored audit chain is
broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.backup import BackupContents, BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup made by `govhall backup` into a freshly migrated, empty installation "
        "(all or nothing), then verify the audit chain. --check only verifies the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Decrypt and verify the whole backup; restore nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = self.stdout.write if options["verbosity"] > 1 else None
        try:
            if options["check"]:
                contents = backup_verify(source=options["source"], progress=progress)
                self.stdout.write("backup intact: " + _describe(contents))
                return
            summary = backup_restore(source=options["source"], progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "restored: " + _describe(summary.contents) + "\n"
            f"  {summary.files_written:,} files written to the storage\n"
            f"  {summary.seconds:.1f} s"
        )
        for problem in summary.chain_problems:
            self.stderr.write(f"audit #{problem.sequence}: {problem.problem}")
        if summary.chain_problems:
            raise CommandError(
                f"restored, but the audit chain is broken: {len(summary.chain_problems)} "
                "problem(s) (it was broken when the backup was made)"
            )
        self.stdout.write(
            f"audit chain intact: {summary.audit_records:,} records, head "
            f"#{summary.audit_sequence} {summary.audit_hash}"
        )


def _describe(contents: BackupContents) -> str:
    manifest = contents.manifest
    return (
        f"{contents.backup_id} of {manifest['created_at']} (govhall "
        f"{manifest['govhall_version']}, {manifest['database_vendor']}, {contents.cipher})\n"
        f"  {contents.rows:,} rows of {contents.models} models, {contents.files:,} files "
        f"({contents.file_bytes:,} bytes)"
    )
