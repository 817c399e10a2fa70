"""Backups (备份与恢复): one consistent, SM4-encrypted, SM3-hashed file of the database and
the stored files, and its restore into an empty installation (docs/backup.md).

- ``sealing``: the container — clear header, SM4-GCM (or SM4-CTR + HMAC-SM3) frames;
- ``keys``: ``GOVHALL_BACKUP_KEY`` and the keys derived per file;
- ``records``: the plaintext — sections of rows and files, the manifest;
- ``database`` / ``files``: what is read and written, and how;
- ``writer`` (``backup_write``) and ``restorer`` (``backup_verify``, ``backup_restore``).
"""

from govhall.core.backup.errors import BackupError, BackupProblem
from govhall.core.backup.restorer import (
    BackupContents,
    RestoreSummary,
    backup_restore,
    backup_verify,
)
from govhall.core.backup.writer import BackupSummary, backup_write

__all__ = [
    "BackupContents",
    "BackupError",
    "BackupProblem",
    "BackupSummary",
    "RestoreSummary",
    "backup_restore",
    "backup_verify",
    "backup_write",
]
