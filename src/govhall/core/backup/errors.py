"""Why a backup or a restore was refused: stable codes (``backup.*``) and clear messages."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.core.errors import DomainError


class BackupProblem(StrEnum):
    """The published codes; scripts and monitoring read them, so they never change."""

    KEY_MISSING = "backup.key_missing"
    KEY_INVALID = "backup.key_invalid"
    WRONG_KEY = "backup.wrong_key"
    NOT_A_BACKUP = "backup.not_a_backup"
    UNSUPPORTED = "backup.unsupported"
    TAMPERED = "backup.tampered"
    CHANGED_DURING_RESTORE = "backup.changed_during_restore"
    DESTINATION_EXISTS = "backup.destination_exists"
    IN_TRANSACTION = "backup.in_transaction"
    DATABASE_UNSUPPORTED = "backup.database_unsupported"
    FILE_MISSING = "backup.file_missing"
    FILE_CHANGED = "backup.file_changed"
    FILE_CONFLICT = "backup.file_conflict"
    NOT_EMPTY = "backup.not_empty"
    NOT_MIGRATED = "backup.not_migrated"
    MIGRATIONS_DIFFER = "backup.migrations_differ"
    RESTORE_MISMATCH = "backup.restore_mismatch"


class BackupError(DomainError):
    """A backup was not written, or a restore changed nothing (the message says why)."""

    title = _("Backup or restore refused")

    def __init__(self, code: BackupProblem, message: str | Promise) -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"{self.detail} [{self.code.value}]"
