"""``govhall backup FILE|DIRECTORY [--cipher …]``: write an encrypted backup (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.backup import BackupError, backup_write
from govhall.core.backup.keys import configured_key, is_insecure_development_key
from govhall.core.backup.sealing import CIPHERS


class Command(BaseCommand):
    help = (
        "Write one consistent backup of the database and the stored files, encrypted with SM4 "
        "under GOVHALL_BACKUP_KEY and hashed with SM3; a directory gets a dated file name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="A new file, or a directory.")
        parser.add_argument(
            "--cipher",
            choices=CIPHERS,
            default=None,
            help="Default: SM4-GCM where OpenSSL offers it, else SM4-CTR+HMAC-SM3.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if is_insecure_development_key(configured_key()):
                self.stderr.write(
                    "WARNING: the public INSECURE_DEVELOPMENT_BACKUP_KEY is in use; anyone can "
                    "read this backup."
                )
            summary = backup_write(destination=options["destination"], cipher=options["cipher"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"backup written: {summary.path} ({summary.size:,} bytes, {summary.cipher})\n"
            f"  id {summary.backup_id}\n"
            f"  {summary.rows:,} rows of {summary.models} models, "
            f"{summary.files:,} files ({summary.file_bytes:,} bytes)\n"
            f"  audit chain head #{summary.audit_sequence} {summary.audit_hash}\n"
            f"  {summary.seconds:.1f} s"
        )
