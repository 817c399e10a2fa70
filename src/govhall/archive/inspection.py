"""The checks of hostile content, per sniffed kind, after the one pass and before anything is
stored: polyglots, active PDFs, image and archive bombs (docs/archive.md, "Hostile uploads").

Government materials are scans and photographs of paper: a PDF that runs script, launches a
program or carries other files, a picture of 100,000 × 100,000 pixels, a JPEG that is also a web
page or a ZIP, an OFD whose ZIP unpacks to gigabytes — none of them is a material, each is
refused with its own code and a message that names the problem.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govhall.archive.containers import ArchiveLimits, ofd_inspect
from govhall.archive.errors import FileRefusal, file_refused
from govhall.archive.images import ImageDamaged, jpeg_dimensions, png_dimensions
from govhall.archive.models import FileKind
from govhall.archive.polyglots import has_zip_end_record
from govhall.archive.scanning import Scan


def content_inspect(kind: FileKind, scan: Scan, spool: IO[bytes]) -> None:
    """Refuse hostile content of ``kind`` (``ValidationFailed``); the spool is left at its
    start for storing."""
    try:
        if kind is FileKind.OFD:
            ofd_inspect(spool, size=scan.size, limits=_archive_limits())
            return
        if has_zip_end_record(scan.tail):
            raise file_refused(
                FileRefusal.POLYGLOT,
                _("The file also holds a ZIP archive (a hidden second file); it is refused."),
            )
        if kind is FileKind.PDF:
            _pdf_inspect(scan)
        else:
            _image_inspect(kind, scan, spool)
    finally:
        spool.seek(0)


def _pdf_inspect(scan: Scan) -> None:
    if scan.pdf_active is not None:
        raise file_refused(
            FileRefusal.PDF_ACTIVE_CONTENT,
            _(
                "The PDF file contains active content (%(feature)s): scripts, programs, "
                "embedded files and dynamic forms are not accepted. Save or print it as a plain "
                "PDF and upload that."
            )
            % {"feature": scan.pdf_active},
        )


def _image_inspect(kind: FileKind, scan: Scan, spool: IO[bytes]) -> None:
    if scan.markup is not None:
        raise file_refused(
            FileRefusal.POLYGLOT,
            _("The image also holds web page markup (%(markup)s); it is refused.")
            % {"markup": scan.markup},
        )
    try:
        width, height = (
            png_dimensions(scan.head) if kind is FileKind.PNG else jpeg_dimensions(spool)
        )
    except ImageDamaged as error:
        raise file_refused(
            FileRefusal.IMAGE_INVALID,
            _("The image is damaged: its header cannot be read."),
        ) from error
    limit = int(settings.GOVHALL["UPLOAD_MAX_IMAGE_PIXELS"])
    if width * height > limit:
        raise file_refused(
            FileRefusal.TOO_MANY_PIXELS,
            _(
                "The image is %(width)s × %(height)s pixels, more than the limit of %(limit)s "
                "megapixels."
            )
            % {"width": width, "height": height, "limit": f"{limit / 1_000_000:g}"},
        )


def _archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_entries=int(settings.GOVHALL["UPLOAD_MAX_ARCHIVE_ENTRIES"]),
        max_unpacked_bytes=int(settings.GOVHALL["UPLOAD_MAX_ARCHIVE_UNPACKED_BYTES"]),
        max_ratio=int(settings.GOVHALL["UPLOAD_MAX_ARCHIVE_RATIO"]),
    )
