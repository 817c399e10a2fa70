"""Verifying the archive (档案完整性核验): every byte re-read, every link recomputed.

``archive_verify`` walks the chain from the genesis: each volume's header against its link and
its place, each entry's text against its link, each entry's bytes read back from the storage
and hashed again, and the end of the chain against the head row. It reports every problem it
finds, each with a stable code; the archive is called intact only when everything was read and
checked — a file that cannot be read is a problem (``file.missing``, ``file.unreadable``), never
a pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils.translation import gettext

from govhall.archive.chain import GENESIS_HASH, entry_link, header_link
from govhall.archive.models import ArchiveEntry, ArchiveHead, ArchiveVolume
from govhall.archive.scanning import CHUNK_BYTES, Sm3Hasher


class ProblemCode(StrEnum):
    """What can be wrong; the codes are stable (scripts and monitoring read them)."""

    VOLUME_MISSING = "volume.missing"
    VOLUME_CHAIN_BROKEN = "volume.chain_broken"
    VOLUME_ALTERED = "volume.altered"
    VOLUME_INCOMPLETE = "volume.incomplete"
    ENTRY_MISSING = "entry.missing"
    ENTRY_REORDERED = "entry.reordered"
    ENTRY_CHAIN_BROKEN = "entry.chain_broken"
    ENTRY_ALTERED = "entry.altered"
    FILE_MISSING = "file.missing"
    FILE_UNREADABLE = "file.unreadable"
    FILE_CHANGED = "file.changed"
    HEAD_MISMATCH = "head.mismatch"


@dataclass(frozen=True, slots=True)
class ArchiveProblem:
    code: ProblemCode
    case_number: str  # empty for a problem of the chain's head
    entry: int | None  # the entry's sequence, for problems of one entry
    message: str


@dataclass(slots=True)
class ArchiveVerification:
    """What was checked and what was found."""

    volumes: int = 0
    entries: int = 0
    bytes_read: int = 0
    problems: list[ArchiveProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def archive_verify(*, batch_size: int = 200) -> ArchiveVerification:
    """Check the whole archive; see the module's docstring."""
    report = ArchiveVerification()
    head = ArchiveHead.objects.filter(pk=1).first()
    # Volumes archived while this runs lie beyond the head read now; they are checked next time.
    head_sequence = head.last_sequence if head else 0
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    entries = ArchiveEntry.objects.select_related("stored_file").order_by("sequence")
    volumes = (
        ArchiveVolume.objects.filter(sequence__lte=head_sequence)
        .order_by("sequence")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .iterator(chunk_size=batch_size)
    )
    for volume in volumes:
        report.volumes += 1
        if volume.sequence != expected_sequence:
            report.problems.append(
                _problem(
                    ProblemCode.VOLUME_MISSING,
                    volume.case_number,
                    gettext("Volumes %(first)s to %(last)s of the chain are missing.")
                    % {"first": expected_sequence, "last": volume.sequence - 1},
                )
            )
        if volume.previous_hash != previous_hash:
            report.problems.append(
                _problem(
                    ProblemCode.VOLUME_CHAIN_BROKEN,
                    volume.case_number,
                    gettext("The volume does not continue the chain of the volume before it."),
                )
            )
        if header_link(volume) != volume.header_hash:
            report.problems.append(
                _problem(
                    ProblemCode.VOLUME_ALTERED,
                    volume.case_number,
                    gettext("The volume's description differs from what was archived."),
                )
            )
        report.problems.extend(_entry_problems(volume, list(volume.entries.all()), report))
        expected_sequence = volume.sequence + 1
        previous_hash = volume.hash
    report.problems.extend(_head_problems(head, expected_sequence - 1, previous_hash))
    return report


def _entry_problems(
    volume: ArchiveVolume, entries: list[ArchiveEntry], report: ArchiveVerification
) -> Iterator[ArchiveProblem]:
    links_in_volume = {volume.header_hash} | {entry.hash for entry in entries}
    link = volume.header_hash
    expected = 1
    for entry in entries:
        report.entries += 1
        case_number = volume.case_number
        if entry.sequence != expected:
            yield _problem(
                ProblemCode.ENTRY_MISSING,
                case_number,
                gettext("Entries %(first)s to %(last)s are missing.")
                % {"first": expected, "last": entry.sequence - 1},
                entry=expected,
            )
        if entry.previous_hash != link:
            if entry.previous_hash in links_in_volume:
                code = ProblemCode.ENTRY_REORDERED
                message = gettext("The entry is not in its archived place in the volume.")
            else:
                code = ProblemCode.ENTRY_CHAIN_BROKEN
                message = gettext("The entry does not continue the chain of the entry before it.")
            yield _problem(code, case_number, message, entry=entry.sequence)
        if entry_link(entry, case_number=case_number) != entry.hash:
            yield _problem(
                ProblemCode.ENTRY_ALTERED,
                case_number,
                gettext("The entry differs from what was archived."),
                entry=entry.sequence,
            )
        file_problem = _file_problem(entry, report)
        if file_problem is not None:
            yield _problem(file_problem[0], case_number, file_problem[1], entry=entry.sequence)
        link = entry.hash
        expected = entry.sequence + 1
    if link != volume.hash or len(entries) != volume.entry_count:
        yield _problem(
            ProblemCode.VOLUME_INCOMPLETE,
            volume.case_number,
            gettext("The volume holds %(found)s of its %(count)s entries, or its end was changed.")
            % {"found": len(entries), "count": volume.entry_count},
        )


def _file_problem(
    entry: ArchiveEntry, report: ArchiveVerification
) -> tuple[ProblemCode, str] | None:
    """Read the entry's bytes back from the storage and hash them again."""
    name = entry.stored_file.storage_name
    hasher = Sm3Hasher()
    try:
        if not default_storage.exists(name):
            return ProblemCode.FILE_MISSING, gettext("The file is missing from the storage.")
        with default_storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK_BYTES):
                hasher.update(chunk)
                report.bytes_read += len(chunk)
    except FileNotFoundError:
        return ProblemCode.FILE_MISSING, gettext("The file is missing from the storage.")
    except Exception as error:  # any storage failure: not checked, so not intact
        return (
            ProblemCode.FILE_UNREADABLE,
            gettext("The file could not be read: %(error)s") % {"error": type(error).__name__},
        )
    if hasher.hexdigest() != entry.sm3:
        return ProblemCode.FILE_CHANGED, gettext("The file's bytes differ from what was archived.")
    return None


def _head_problems(
    head: ArchiveHead | None, last_sequence: int, last_hash: str
) -> Iterator[ArchiveProblem]:
    head_sequence = head.last_sequence if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_sequence != last_sequence or head_hash != last_hash:
        yield _problem(
            ProblemCode.HEAD_MISMATCH,
            "",
            gettext("The chain ends at volume %(last)s but its head names volume %(head)s.")
            % {"last": last_sequence, "head": head_sequence},
        )
    # Volumes after the head that is current now were not written by the service.
    current = ArchiveHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first()
    outside = ArchiveVolume.objects.filter(sequence__gt=current or 0).order_by("sequence")
    for case_number in outside.values_list("case_number", flat=True):
        yield _problem(
            ProblemCode.HEAD_MISMATCH,
            case_number,
            gettext("The volume lies beyond the end of the chain."),
        )


def _problem(
    code: ProblemCode, case_number: str, message: str, *, entry: int | None = None
) -> ArchiveProblem:
    return ArchiveProblem(code=code, case_number=case_number, entry=entry, message=message)
