"""``backup_verify`` and ``backup_restore``: read a backup back, checked before it is used.

A restore reads the file twice. The first pass decrypts and authenticates every frame,
recomputes every digest and count of the manifest, and checks the target: the key, the
migration state of the code and of its database against the backup's, an empty installation,
no different file under a name the backup brings. Only then does the second pass load: in
one transaction it empties every table, inserts every row as it was, writes every file to
the storage once its SM3 is checked, checks every foreign key, moves PostgreSQL's sequences,
and compares the counts and the audit chain's head with the manifest; any failure rolls the
database back and removes the files this restore wrote. After the commit the audit chain is
verified from its first record.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext_lazy as _

from govhall.core.audit import GENESIS_HASH, ChainProblem, audit_chain_verify
from govhall.core.backup import database, files, sealing
from govhall.core.backup.errors import BackupError, BackupProblem
from govhall.core.backup.keys import configured_key
from govhall.core.backup.records import (
    FileData,
    FileEnd,
    FileStart,
    RecordReader,
    Rows,
    SectionStart,
)
from govhall.core.models import AuditHead, AuditRecord
from govhall.core.statistics import sqlite_statistics_refresh

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BackupContents:
    """What a verified backup holds (its manifest), without restoring it."""

    backup_id: str
    cipher: str
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(int(s["count"]) for s in self._tables())

    @property
    def models(self) -> int:
        return len(self._tables())

    @property
    def files(self) -> int:
        return int(self._files()["count"])

    @property
    def file_bytes(self) -> int:
        return int(self._files()["bytes"])

    def counts(self) -> dict[str, int]:
        """Rows per model label."""
        return {str(s["name"]).split("/", 1)[1]: int(s["count"]) for s in self._tables()}

    def _tables(self) -> list[dict[str, Any]]:
        return [s for s in self.manifest["sections"] if str(s["name"]).startswith("database/")]

    def _files(self) -> dict[str, Any]:
        return next(s for s in self.manifest["sections"] if s["name"] == "files")


@dataclass(slots=True)
class RestoreSummary:
    contents: BackupContents
    files_written: int = 0
    audit_records: int = 0
    audit_sequence: int = 0
    audit_hash: str = ""
    chain_problems: list[ChainProblem] = field(default_factory=list)
    seconds: float = 0.0


def backup_verify(
    *, source: Path, key: bytes | None = None, progress: Progress | None = None
) -> BackupContents:
    """Open and check a whole backup without writing anything (``govhall restore --check``)."""
    key = configured_key() if key is None else key
    with _opened(source) as raw:
        return _first_pass(raw, key=key, check_storage=False, progress=progress)


def backup_restore(
    *,
    source: Path,
    key: bytes | None = None,
    using: str = DEFAULT_DB_ALIAS,
    progress: Progress | None = None,
) -> RestoreSummary:
    """Bring a backup back into an empty installation; see the module's docstring."""
    started = time.monotonic()
    key = configured_key() if key is None else key
    say = progress or (lambda _message: None)
    with _opened(source) as raw:
        _reader(raw, key)  # a wrong key or a foreign file is refused before anything else
        raw.seek(0)
        _check_empty(using)
        contents = _first_pass(raw, key=key, check_storage=True, progress=say)
        _check_target(contents, using=using)
        say(str(_("Loading the database and the files…")))
        raw.seek(0)
        summary = RestoreSummary(contents=contents)
        summary.files_written = _second_pass(raw, key=key, contents=contents, using=using)
    ContentType.objects.clear_cache()
    sqlite_statistics_refresh(using=using)
    say(str(_("Verifying the audit chain…")))
    summary.chain_problems = list(audit_chain_verify())
    head = AuditHead.objects.using(using).filter(pk=1).first()
    summary.audit_records = AuditRecord.objects.using(using).count()
    summary.audit_sequence = head.last_sequence if head else 0
    summary.audit_hash = head.last_hash if head else ""
    summary.seconds = time.monotonic() - started
    return summary


@contextmanager
def _opened(source: Path) -> Iterator[IO[bytes]]:
    try:
        raw = source.open("rb")
    except OSError as error:
        raise BackupError(
            BackupProblem.NOT_A_BACKUP,
            _("The backup file %(path)s cannot be read: %(error)s")
            % {"path": source, "error": error.strerror or type(error).__name__},
        ) from error
    with raw:
        yield raw


def _reader(raw: IO[bytes], key: bytes) -> tuple[sealing.Header, RecordReader]:
    header = sealing.header_read(raw)
    return header, RecordReader(sealing.SealedReader(raw, header, key))


def _first_pass(
    raw: IO[bytes], *, key: bytes, check_storage: bool, progress: Progress | None
) -> BackupContents:
    if progress:
        progress(str(_("Checking the backup file…")))
    header, reader = _reader(raw, key)
    conflicts: list[str] = []
    for event in reader.events():
        if check_storage and isinstance(event, FileEnd):
            existing = files.stored_sm3(event.name)
            if existing is not None and existing != event.sm3:
                conflicts.append(event.name)
    assert reader.manifest is not None
    if conflicts:
        raise files.conflict(", ".join(conflicts[:5]))
    return BackupContents(header.backup_id, header.cipher, reader.manifest)


def _check_target(contents: BackupContents, *, using: str) -> None:
    code = database.migration_state(None)
    here = database.migration_state(using)
    if here != code:
        raise BackupError(
            BackupProblem.NOT_MIGRATED,
            _(
                "This installation's database is not migrated to its code (%(apps)s): run "
                "govhall migrate first. Nothing was restored."
            )
            % {"apps": "; ".join(database.migration_differences(code, here))},
        )
    made_at = contents.manifest.get("migrations", {})
    if made_at != code:
        raise BackupError(
            BackupProblem.MIGRATIONS_DIFFER,
            _(
                "The backup was made by a different version of the database schema than this "
                "code's — app (backup → here): %(apps)s. Restore it with the govhall version "
                "that made it (%(version)s), then upgrade. Nothing was restored."
            )
            % {
                "apps": "; ".join(database.migration_differences(made_at, code)),
                "version": contents.manifest.get("govhall_version", "?"),
            },
        )


def _check_empty(using: str) -> None:
    occupied = database.occupying_models(using)
    if occupied:
        raise BackupError(
            BackupProblem.NOT_EMPTY,
            _(
                "This installation is not empty (it holds %(records)s); a backup is restored "
                "only into a freshly migrated, empty database. Nothing was restored."
            )
            % {"records": ", ".join(occupied)},
        )


def _second_pass(raw: IO[bytes], *, key: bytes, contents: BackupContents, using: str) -> int:
    """Load everything in one transaction; the number of files written to the storage."""
    written: list[str] = []
    try:
        with transaction.atomic(using=using):
            header, reader = _reader(raw, key)
            if header.backup_id != contents.backup_id:
                raise _changed()
            _check_empty(using)
            database.database_flush(using)
            restored = _load(reader, using=using, written=written)
            if reader.manifest is None or reader.manifest != contents.manifest:
                raise _changed()
            database.database_finish(restored, using)
            _check_loaded(contents, restored, using=using)
    except BaseException:
        for name in written:
            files.file_remove(name)
        ContentType.objects.clear_cache()
        raise
    return len(written)


def _load(reader: RecordReader, *, using: str, written: list[str]) -> list[database.ModelType]:
    restored: list[database.ModelType] = []
    model: database.ModelType | None = None
    spool: IO[bytes] | None = None
    for event in reader.events():
        if isinstance(event, SectionStart):
            model = _model(event.model) if event.model else None
            if model is not None:
                restored.append(model)
        elif isinstance(event, Rows):
            assert model is not None
            database.rows_load(event.lines, model=model, using=using)
        elif isinstance(event, FileStart):
            spool = files.spool()
        elif isinstance(event, FileData):
            assert spool is not None
            spool.write(event.chunk)
        elif isinstance(event, FileEnd):
            assert spool is not None
            with spool:
                # The reader has checked the bytes against their digest by now.
                if files.file_restore(event.name, spool, sm3=event.sm3):
                    written.append(event.name)
            spool = None
    return restored


def _model(label: str) -> database.ModelType:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise BackupError(
            BackupProblem.MIGRATIONS_DIFFER,
            _("The backup holds rows of %(model)s, which this code does not know.")
            % {"model": label},
        ) from error


def _check_loaded(
    contents: BackupContents, restored: list[database.ModelType], *, using: str
) -> None:
    expected = contents.counts()
    for model in restored:
        label = model._meta.label_lower
        if model._base_manager.using(using).count() != expected.get(label):
            raise BackupError(
                BackupProblem.RESTORE_MISMATCH,
                _("After loading, %(model)s does not hold the backup's rows. Nothing was restored.")
                % {"model": label},
            )
    head = AuditHead.objects.using(using).filter(pk=1).first()
    found = {
        "sequence": head.last_sequence if head else 0,
        "hash": head.last_hash if head else GENESIS_HASH,
    }
    if found != contents.manifest["audit_head"]:
        raise BackupError(
            BackupProblem.RESTORE_MISMATCH,
            _(
                "After loading, the audit chain's head differs from the backup's. Nothing "
                "was restored."
            ),
        )


def _changed() -> BackupError:
    return BackupError(
        BackupProblem.CHANGED_DURING_RESTORE,
        _("The backup file changed while it was being restored. Nothing was restored."),
    )
