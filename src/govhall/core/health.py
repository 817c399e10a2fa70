"""Is this installation able to serve, and is anything wearing thin? (监测预警, seed article 30)

Each check answers ``ok``, ``degraded`` (serving, but someone must look: the outbox is falling
behind, the disk is filling, the last integrity verification failed or is old) or ``down``
(requests will fail: the database or the file storage cannot be used). The installation is
as bad as its worst check. Load balancers read ``/health/ready`` (503 when down), monitoring
systems run ``govhall health`` (exit status 0/1/2 as Nagios plugins), and people read the
details — only from addresses the deployer lists, since backlog sizes and disk figures are
nobody else's business.

Every check is bounded: one short query or one small file, no scan of a large table, so a
probe every few seconds costs nothing.
"""

from __future__ import annotations

import datetime
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min
from django.utils import timezone

from govhall.core.models import AuditRecord, OutboxEvent

INTEGRITY_ACTION = "core.integrity.verify"
"""The audit action of every integrity verification's result (``core.integrity``)."""

INTEGRITY_CHECKS = ("audit_chain", "archive")


class Status(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"


_RANK = {Status.OK: 0, Status.DEGRADED: 1, Status.DOWN: 2}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check: its status, a sentence for people, and figures for machines."""

    name: str
    status: Status
    summary: str
    figures: dict[str, Any] = field(default_factory=dict)
    milliseconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "summary": self.summary,
            "figures": self.figures,
            "milliseconds": round(self.milliseconds, 1),
        }


@dataclass(frozen=True, slots=True)
class HealthReport:
    checks: tuple[CheckResult, ...]

    @property
    def status(self) -> Status:
        worst = max((_RANK[c.status] for c in self.checks), default=0)
        return next(status for status, rank in _RANK.items() if rank == worst)

    @property
    def exit_code(self) -> int:
        """0 ok, 1 degraded, 2 down: the exit statuses monitoring plugins report."""
        return _RANK[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "checks": {check.name: check.as_dict() for check in self.checks},
        }


def _policy(name: str) -> int:
    return int(settings.GOVHALL[name])


_migrated = False
"""Set once every migration was seen applied: they are not unapplied under a running process,
and reading the migration files (about 10 ms) need not be part of every probe."""


def database_check() -> CheckResult:
    """One round trip, and every migration applied (a half-deployed release is down)."""
    global _migrated  # a per-process memo, see above
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        pending = [] if _migrated else _pending_migrations()
    except DatabaseError as error:
        return CheckResult(
            "database", Status.DOWN, f"unreachable: {type(error).__name__}", {"vendor": _vendor()}
        )
    if pending:
        names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in pending]
        return CheckResult(
            "database",
            Status.DOWN,
            f"{len(names)} migration(s) not applied",
            {"vendor": _vendor(), "pending_migrations": names[:20]},
        )
    _migrated = True
    return CheckResult("database", Status.OK, "reachable, migrated", {"vendor": _vendor()})


def _pending_migrations() -> list[tuple[Any, bool]]:
    executor = MigrationExecutor(connection)
    return list(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _vendor() -> str:
    return str(connection.vendor)


def storage_check() -> CheckResult:
    """A small probe file written, read back and deleted; free space where it is known."""
    probe = f"health/probe-{uuid.uuid4().hex}.txt"
    content = b"govhall health probe"
    try:
        name = default_storage.save(probe, ContentFile(content))
        try:
            with default_storage.open(name, "rb") as stored:
                readable = stored.read() == content
        finally:
            default_storage.delete(name)
    except OSError as error:
        return CheckResult("storage", Status.DOWN, f"not writable: {error.strerror or error}")
    if not readable:
        return CheckResult("storage", Status.DOWN, "a written file read back differently")
    figures: dict[str, Any] = {"backend": default_storage.__class__.__name__}
    if isinstance(default_storage, FileSystemStorage):
        usage = shutil.disk_usage(Path(default_storage.location))
        figures |= {"free_bytes": usage.free, "total_bytes": usage.total}
        minimum = _policy("HEALTH_MIN_FREE_BYTES")
        if usage.free < minimum:
            return CheckResult(
                "storage",
                Status.DEGRADED,
                f"{usage.free} bytes free, below {minimum}",
                figures,
            )
    return CheckResult("storage", Status.OK, "writable", figures)


def cache_check() -> CheckResult:
    """The cache holds rate limits and page fragments: without it they are per process or
    recomputed, which is slower, not broken."""
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, 10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as error:  # any cache backend's own error
        return CheckResult("cache", Status.DEGRADED, f"unavailable: {type(error).__name__}")
    if answered != 1:
        return CheckResult("cache", Status.DEGRADED, "a value set was not read back")
    return CheckResult("cache", Status.OK, "answering")


def outbox_check(now: datetime.datetime | None = None) -> CheckResult:
    """Events waiting longer than ``HEALTH_OUTBOX_MAX_AGE_SECONDS`` (the dispatcher is down
    or behind) or failing again and again (a subscriber is broken) need a person."""
    now = now or timezone.now()
    try:
        pending = OutboxEvent.objects.filter(delivered_at__isnull=True, available_at__lte=now)
        oldest = pending.aggregate(oldest=Min("available_at"))["oldest"]
        failing = pending.filter(attempts__gte=_policy("HEALTH_OUTBOX_FAILING_ATTEMPTS")).count()
    except DatabaseError as error:
        return CheckResult("outbox", Status.DOWN, f"unreadable: {type(error).__name__}")
    age = int((now - oldest).total_seconds()) if oldest is not None else 0
    figures = {"oldest_pending_seconds": age, "failing_events": failing}
    limit = _policy("HEALTH_OUTBOX_MAX_AGE_SECONDS")
    if age > limit:
        return CheckResult(
            "outbox", Status.DEGRADED, f"an event has waited {age} s (limit {limit} s)", figures
        )
    if failing:
        return CheckResult(
            "outbox", Status.DEGRADED, f"{failing} event(s) failing repeatedly", figures
        )
    return CheckResult("outbox", Status.OK, "delivering", figures)


def integrity_check(now: datetime.datetime | None = None) -> CheckResult:
    """The latest result of each integrity verification (audit chain, archive): broken, or
    older than ``HEALTH_INTEGRITY_MAX_AGE_HOURS``, or never run, is degraded — the platform
    still serves, but its evidence is in doubt until someone looks."""
    now = now or timezone.now()
    try:
        latest = {
            check: AuditRecord.objects.filter(action=INTEGRITY_ACTION, object_id=check)
            .order_by("-sequence")
            .values("occurred_at", "data")
            .first()
            for check in INTEGRITY_CHECKS
        }
    except DatabaseError as error:
        return CheckResult("integrity", Status.DOWN, f"unreadable: {type(error).__name__}")
    limit = datetime.timedelta(hours=_policy("HEALTH_INTEGRITY_MAX_AGE_HOURS"))
    figures: dict[str, Any] = {}
    problems: list[str] = []
    for check, record in latest.items():
        if record is None:
            figures[check] = None
            problems.append(f"{check} never verified")
            continue
        intact = bool(record["data"].get("intact"))
        figures[check] = {
            "intact": intact,
            "verified_at": record["occurred_at"].isoformat(),
            "problems": record["data"].get("problems", 0),
        }
        if not intact:
            problems.append(f"{check} broken ({record['data'].get('problems', 0)} problem(s))")
        elif now - record["occurred_at"] > limit:
            problems.append(f"{check} last verified {record['occurred_at']:%Y-%m-%d %H:%M}")
    if problems:
        return CheckResult("integrity", Status.DEGRADED, "; ".join(problems), figures)
    return CheckResult("integrity", Status.OK, "verified and intact", figures)


CHECKS: tuple[Callable[[], CheckResult], ...] = (
    database_check,
    storage_check,
    cache_check,
    outbox_check,
    integrity_check,
)


def health_report(checks: tuple[Callable[[], CheckResult], ...] = CHECKS) -> HealthReport:
    """Run ``checks`` in order; a check after a database that is down is not run (it would
    only fail the same way, slowly) and is reported down with that reason."""
    results: list[CheckResult] = []
    database_down = False
    for check in checks:
        name = check.__name__.removesuffix("_check")
        if database_down and name in {"outbox", "integrity"}:
            results.append(CheckResult(name, Status.DOWN, "not run: the database is down"))
            continue
        started = time.perf_counter()
        result = check()
        elapsed = (time.perf_counter() - started) * 1000
        results.append(
            CheckResult(result.name, result.status, result.summary, result.figures, elapsed)
        )
        if name == "database" and result.status is Status.DOWN:
            database_down = True
    return HealthReport(tuple(results))
