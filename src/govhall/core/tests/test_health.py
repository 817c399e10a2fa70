"""Health checks: what ``/health/ready``, ``/health/live`` and ``govhall health`` report when
everything works, when events wait, the disk fills, an integrity verification failed or is old,
the storage refuses writes, migrations are missing and the database is gone."""

from __future__ import annotations

import datetime
import errno
import json
import shutil
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from govhall.core import health_views
from govhall.core.health import Status, health_report
from govhall.core.integrity import integrity_result_record
from govhall.core.models import AuditRecord, OutboxEvent

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_reports(settings: Any) -> Iterator[None]:
    """Each request runs the checks (the view's memo is the subject of one test only, which
    leaves no report behind for later tests)."""
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_CACHE_SECONDS": 0}
    yield
    health_views._last = None


@pytest.fixture
def verified() -> None:
    """Both integrity verifications ran and found nothing, an hour ago."""
    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(hours=1)):
        integrity_result_record(check="audit_chain", problems=[], summary="3 records")
        integrity_result_record(check="archive", problems=[], summary="0 volumes")


@pytest.fixture
def at_now() -> Any:
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def _statuses() -> dict[str, tuple[str, str]]:
    return {c.name: (c.status.value, c.summary) for c in health_report().checks}


def test_everything_ok_and_the_details_only_for_the_monitoring_addresses(
    verified: None, at_now: None, settings: Any
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    report = health_report()
    assert (report.status, report.exit_code) == (Status.OK, 0)
    assert _statuses() == {
        "database": ("ok", "reachable, migrated"),
        "storage": ("ok", "writable"),
        "cache": ("ok", "answering"),
        "outbox": ("ok", "delivering"),
        "integrity": ("ok", "verified and intact"),
    }
    detailed = Client().get("/health/ready")  # the test client's REMOTE_ADDR is 127.0.0.1
    assert detailed.status_code == 200
    body = detailed.json()
    assert body["status"] == "ok"
    assert body["checks"]["integrity"]["figures"]["audit_chain"] == {
        "intact": True,
        "verified_at": "2026-11-28T11:00:00+00:00",
        "problems": 0,
    }
    assert body["checks"]["outbox"]["figures"] == {"oldest_pending_seconds": 0, "failing_events": 0}
    assert body["checks"]["storage"]["figures"] == {"backend": "InMemoryStorage"}
    assert detailed["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    public = Client(REMOTE_ADDR="203.0.113.7").get("/health/ready")
    assert public.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "storage": "ok",
            "cache": "ok",
            "outbox": "ok",
            "integrity": "ok",
        },
    }
    assert Client().get("/health/live").json() == {"status": "ok"}
    assert Client().post("/health/ready").status_code == 405


def test_the_probe_file_is_removed(verified: None, tmp_path: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    health_report()
    directories, files = default_storage.listdir("health")
    assert (directories, files) == ([], [])


def test_an_event_waiting_too_long_or_failing_again_and_again_is_degraded(
    verified: None, at_now: None, settings: Any
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    OutboxEvent.objects.all().delete()
    waiting = OutboxEvent.objects.create(
        topic="cases.case.accept", payload={}, available_at=NOW - datetime.timedelta(seconds=301)
    )
    assert _statuses()["outbox"] == ("degraded", "an event has waited 301 s (limit 300 s)")
    waiting.available_at = NOW - datetime.timedelta(seconds=10)
    waiting.attempts = 3
    waiting.save()
    assert _statuses()["outbox"] == ("degraded", "1 event(s) failing repeatedly")
    report = health_report()
    assert (report.status, report.exit_code) == (Status.DEGRADED, 1)
    # Degraded still serves: the balancer keeps the node.
    assert Client().get("/health/ready").status_code == 200
    # An event due later (a retry's back-off) is not waiting.
    waiting.attempts = 2
    waiting.available_at = NOW + datetime.timedelta(minutes=5)
    waiting.save()
    assert _statuses()["outbox"] == ("ok", "delivering")


def test_integrity_never_verified_broken_or_old_is_degraded(at_now: None, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    assert _statuses()["integrity"] == (
        "degraded",
        "audit_chain never verified; archive never verified",
    )
    with mock.patch("django.utils.timezone.now", return_value=NOW - datetime.timedelta(hours=49)):
        integrity_result_record(check="archive", problems=[], summary="2 volumes")
    integrity_result_record(
        check="audit_chain", problems=["#2: record content does not match its hash"], summary="3"
    )
    assert _statuses()["integrity"] == (
        "degraded",
        "audit_chain broken (1 problem(s)); archive last verified 2026-11-26 11:00",
    )


def test_a_nearly_full_disk_is_degraded_and_a_storage_refusing_writes_is_down(
    verified: None, at_now: None, settings: Any, tmp_path: Path
) -> None:
    disk = FileSystemStorage(location=tmp_path)
    free = shutil.disk_usage(tmp_path).free
    with mock.patch("govhall.core.health.default_storage", disk):
        settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": free // 2}
        checked = health_report().checks[1]
        assert (checked.status, checked.summary) == (Status.OK, "writable")
        assert checked.figures["free_bytes"] > free // 2
        settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 10**18}
        status, summary = _statuses()["storage"]
        assert list(tmp_path.rglob("*.txt")) == []
    assert status == "degraded" and summary.endswith(" bytes free, below 1000000000000000000")
    full = OSError(errno.ENOSPC, "No space left on device")
    with mock.patch.object(default_storage, "save", side_effect=full):
        assert _statuses()["storage"] == ("down", "not writable: No space left on device")
        answer = Client().get("/health/ready")
    assert (answer.status_code, answer["Retry-After"]) == (503, "30")
    assert answer.json()["status"] == "down"


def test_migrations_not_applied_are_down(verified: None, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    migration = mock.Mock(app_label="cases", spec=["app_label", "name"])
    migration.name = "0018_next"
    with (
        mock.patch("govhall.core.health._migrated", False),
        mock.patch(
            "django.db.migrations.executor.MigrationExecutor.migration_plan",
            return_value=[(migration, False)],
        ),
    ):
        report = health_report()
    database = report.checks[0]
    assert (database.status, database.summary) == (Status.DOWN, "1 migration(s) not applied")
    assert database.figures["pending_migrations"] == ["cases.0018_next"]
    assert report.exit_code == 2


def _refusing(*_args: Any) -> Any:
    raise OperationalError("server closed the connection unexpectedly")


def test_a_database_that_is_gone_is_down_and_the_rest_is_not_asked(
    verified: None, settings: Any
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    with connection.execute_wrapper(_refusing):
        answer = Client().get("/health/ready")
        live = Client().get("/health/live")
    assert (answer.status_code, live.status_code) == (503, 200)
    checks = answer.json()["checks"]
    assert {name: (c["status"], c["summary"]) for name, c in checks.items()} == {
        "database": ("down", "unreachable: OperationalError"),
        "storage": ("ok", "writable"),
        "cache": ("ok", "answering"),
        "outbox": ("down", "not run: the database is down"),
        "integrity": ("down", "not run: the database is down"),
    }


def _exit_code(run: Callable[[], None]) -> int:
    with pytest.raises(SystemExit) as exited:
        run()
    return int(exited.value.code or 0)


def test_the_command_exits_as_monitoring_plugins_do(verified: None, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_MIN_FREE_BYTES": 1}
    out = StringIO()
    assert _exit_code(lambda: call_command("health", stdout=out)) == 0
    assert out.getvalue().splitlines()[-1] == "overall    ok"
    assert out.getvalue().splitlines()[0].startswith("database   ok       reachable, migrated (")
    OutboxEvent.objects.create(
        topic="cases.case.accept",
        payload={},
        available_at=timezone.now() - datetime.timedelta(hours=1),
    )
    out = StringIO()
    assert _exit_code(lambda: call_command("health", "--json", stdout=out)) == 1
    assert json.loads(out.getvalue())["checks"]["outbox"]["status"] == "degraded"
    with connection.execute_wrapper(_refusing):
        assert _exit_code(lambda: call_command("health", stdout=StringIO())) == 2


def test_each_verification_records_its_result_in_the_chain() -> None:
    call_command("audit_verify", stdout=StringIO())
    record = AuditRecord.objects.filter(action="core.integrity.verify").get()
    assert (record.object_type, record.object_id, record.actor_label) == (
        "integrity_check",
        "audit_chain",
        "system",
    )
    assert record.data == {
        "intact": True,
        "problems": 0,
        "first_problems": [],
        "summary": f"{record.sequence - 1} records",
    }
    assert not OutboxEvent.objects.filter(topic="core.integrity.broken").exists()
    AuditRecord.objects.filter(sequence=record.sequence).update(data={"intact": False})
    with pytest.raises(CommandError, match="audit chain is broken: 1 problem"):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    broken = AuditRecord.objects.filter(action="core.integrity.verify").last()
    assert broken is not None and broken.data["first_problems"] == [
        f"#{record.sequence}: record content does not match its hash"
    ]
    event = OutboxEvent.objects.get(topic="core.integrity.broken")
    assert event.payload["check"] == "audit_chain"
    assert event.payload["audit_sequence"] == broken.sequence
    assert event.payload["problems"] == 1


def test_probes_within_the_interval_share_one_report(verified: None, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "HEALTH_CACHE_SECONDS": 60, "HEALTH_MIN_FREE_BYTES": 1}
    health_views._last = None  # whatever an earlier request of this process left
    assert Client().get("/health/ready").status_code == 200
    full = OSError(errno.ENOSPC, "No space left on device")
    with mock.patch.object(default_storage, "save", side_effect=full) as save:
        assert Client().get("/health/ready").status_code == 200  # the report of before
        assert save.call_count == 0
        settings.GOVHALL = {**settings.GOVHALL, "HEALTH_CACHE_SECONDS": 0}
        assert Client().get("/health/ready").status_code == 503
        assert save.call_count == 1
