"""Storing an uploaded material: checked, hashed in one pass, written once, audited."""

from __future__ import annotations

import tempfile
from collections.abc import Collection

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from govhall.archive.blobs import blob_ensure
from govhall.archive.errors import FileRefusal, file_refused
from govhall.archive.inspection import content_inspect
from govhall.archive.models import FileKind, StoredFile
from govhall.archive.scanning import SPOOL_MEMORY_BYTES, Scan, scan_upload
from govhall.archive.selectors import stored_file_for_sm3
from govhall.archive.sniffing import (
    CONTENT_TYPES,
    declared_extension,
    has_active_markup,
    kind_for_extension,
    sniff,
)
from govhall.core.audit import audit_record_create
from govhall.core.transactions import service_atomic

DEFAULT_ACCEPT = frozenset({FileKind.PDF, FileKind.JPG, FileKind.PNG})
AUDIT_ACTION = "archive.file.store"
AUDIT_OBJECT_TYPE = "stored_file"
PDF_EOF_WINDOW = 1024
"""``%%EOF`` must be in this many last bytes (where PDF readers look for it)."""


def stored_file_put(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    uploaded: File[bytes] | UploadedFile,
    declared_name: str,
    accept: Collection[str] | None = None,
    max_bytes: int | None = None,
) -> StoredFile:
    """Store the bytes of ``uploaded`` once and return their row (the existing one for bytes
    already stored); refuse them with ``ValidationFailed`` (``file.*`` codes), storing nothing.

    ``declared_name`` is the client's file name: only its extension is used, to refuse content
    that is not what the name says; it is not stored (it may hold personal data, and the same
    bytes arrive under many names). ``accept`` lists canonical extensions (default pdf, jpg,
    png); ``max_bytes`` overrides ``GOVHALL["UPLOAD_MAX_BYTES"]``.
    """
    accepted = _accepted_kinds(accept)
    limit = int(settings.GOVHALL["UPLOAD_MAX_BYTES"]) if max_bytes is None else max_bytes
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES) as spool:
        scan = scan_upload(uploaded, spool, max_bytes=limit)
        kind = _checked_kind(scan, declared_name=declared_name, accepted=accepted)
        page_count = _checked_page_count(scan) if kind is FileKind.PDF else None
        # Polyglots, active PDFs, image and archive bombs (docs/archive.md, hostile uploads).
        content_inspect(kind, scan, spool)
        # Outside the transaction: storage I/O must not hold the database's write lock.
        existing = stored_file_for_sm3(scan.sm3)
        storage_name = (
            existing.storage_name
            if existing is not None
            else blob_ensure(sm3=scan.sm3, size=scan.size, content=spool)
        )
    if existing is not None:
        # Nothing is written: the archive's state does not change, and the caller's own
        # audit record (an upload, a notice) names the digest it used.
        return existing
    candidate = StoredFile(
        sm3=scan.sm3,
        size=scan.size,
        content_type=CONTENT_TYPES[kind],
        extension=kind.value,
        storage_name=storage_name,
        page_count=page_count,
        first_stored_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    with service_atomic():
        stored, created = _stored_file_insert(candidate)
        if created:
            audit_record_create(
                actor=actor,
                action=AUDIT_ACTION,
                object_type=AUDIT_OBJECT_TYPE,
                object_id=stored.sm3,
                data={"size": stored.size, "content_type": stored.content_type},
            )
    return stored


def _stored_file_insert(candidate: StoredFile) -> tuple[StoredFile, bool]:
    """The row of these bytes; ``True`` when this call created it.

    Two puts of the same bytes may both have found no row: ``INSERT … ON CONFLICT DO NOTHING``
    on the unique ``sm3`` lets one insert win without an error (and so without a savepoint),
    and both then read the winner's row (committed by then: the loser's insert waited).
    """
    StoredFile.objects.bulk_create([candidate], ignore_conflicts=True)
    stored = StoredFile.objects.get(sm3=candidate.sm3)
    return stored, stored.uuid == candidate.uuid


def _accepted_kinds(accept: Collection[str] | None) -> frozenset[FileKind]:
    if accept is None:
        return DEFAULT_ACCEPT
    kinds = {kind_for_extension(extension) for extension in accept}
    if None in kinds or not kinds:
        raise ValueError(f"accept must list some of {', '.join(FileKind.values)}: {accept!r}")
    return frozenset(kind for kind in kinds if kind is not None)


def _checked_kind(scan: Scan, *, declared_name: str, accepted: frozenset[FileKind]) -> FileKind:
    """The sniffed kind, when it is accepted and agrees with the declared name's extension."""
    if scan.size == 0:
        raise file_refused(FileRefusal.EMPTY, _("The file is empty."))
    allowed = ", ".join(kind.value.upper() for kind in FileKind if kind in accepted)
    not_allowed_message = _("Only these file types are accepted: %(types)s.") % {"types": allowed}
    if has_active_markup(scan.head):
        # A web page, an SVG image or a polyglot: it could run script if ever served inline.
        raise file_refused(FileRefusal.TYPE_NOT_ALLOWED, not_allowed_message)
    kind = sniff(scan.head, scan.tail).kind
    extension = declared_extension(declared_name)
    declared = kind_for_extension(extension)
    if kind is None and declared is None:
        raise file_refused(FileRefusal.TYPE_NOT_ALLOWED, not_allowed_message)
    # Also content the archive does not store under a name that claims a format it does
    # (an .exe renamed .pdf): the name is what is wrong.
    if kind is None or (extension and declared is not kind):
        raise file_refused(
            FileRefusal.TYPE_MISMATCH,
            _("The content of the file is not what its name (.%(extension)s) says.")
            % {"extension": extension},
        )
    if kind not in accepted:
        raise file_refused(FileRefusal.TYPE_NOT_ALLOWED, not_allowed_message)
    return kind


def _checked_page_count(scan: Scan) -> int | None:
    """Refuse a truncated PDF or one with too many pages; the estimated count, if any."""
    if not scan.head.startswith(b"%PDF-") or b"%%EOF" not in scan.tail[-PDF_EOF_WINDOW:]:
        raise file_refused(FileRefusal.PDF_INVALID, _("The PDF file is damaged or incomplete."))
    limit = int(settings.GOVHALL["UPLOAD_MAX_PDF_PAGES"])
    if scan.page_objects > limit:
        raise file_refused(
            FileRefusal.TOO_MANY_PAGES,
            _("The PDF file has more than %(limit)s pages.") % {"limit": limit},
        )
    return scan.page_objects or None
