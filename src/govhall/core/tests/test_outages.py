"""Which failures are outages (core/outages.py), the answer's form, and how the workers wait
for the database: the outbox sweep and the task worker keep going after a restart."""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
import threading
from typing import Any
from unittest import mock

import psycopg.errors
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.test import RequestFactory

from govhall.core.management.commands import db_worker
from govhall.core.management.commands.outbox_dispatch import Command as OutboxDispatchCommand
from govhall.core.outages import (
    DATABASE,
    DATABASE_UNAVAILABLE,
    STORAGE,
    STORAGE_FULL,
    database_wait,
    outage_of,
    server_error_or_outage,
)
from govhall.core.outbox import DispatchReport


def wrapped(driver_error: BaseException, django_class: type[Exception]) -> Exception:
    """What Django raises for a driver's error: its own class, raised from the driver's."""
    try:
        raise django_class(str(driver_error)) from driver_error
    except Exception as error:
        return error


def real_sqlite_disk_full() -> sqlite3.OperationalError:
    """SQLite's own SQLITE_FULL: a database that may not grow past its current pages."""
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE t (x BLOB)")
    database.execute("PRAGMA max_page_count = 1")  # never below its size: it stays at 2 pages
    try:
        database.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as error:
        return error
    finally:
        database.close()
    raise AssertionError("SQLite did not refuse the write")


def test_sqlite_reports_a_full_database_as_sqlite_full() -> None:
    error = real_sqlite_disk_full()
    assert (str(error), error.sqlite_errorname) == ("database or disk is full", "SQLITE_FULL")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), STORAGE),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), STORAGE),
        (wrapped(real_sqlite_disk_full(), OperationalError), STORAGE),
        (wrapped(psycopg.errors.DiskFull("could not extend file"), OperationalError), STORAGE),
        (
            wrapped(psycopg.errors.AdminShutdown("terminating connection"), OperationalError),
            DATABASE,
        ),
        (wrapped(psycopg.OperationalError("connection refused"), OperationalError), DATABASE),
        (wrapped(psycopg.InterfaceError("the connection is closed"), InterfaceError), DATABASE),
        (wrapped(sqlite3.OperationalError("database is locked"), OperationalError), DATABASE),
        (OSError(errno.EACCES, "Permission denied"), None),
        (FileNotFoundError(errno.ENOENT, "No such file"), None),
        (wrapped(psycopg.errors.UniqueViolation("duplicate key"), IntegrityError), None),
        (DatabaseError("syntax error"), None),
        (ValueError("x"), None),
        (None, None),
    ],
)
def test_what_is_an_outage(error: BaseException | None, expected: Any) -> None:
    assert outage_of(error) == expected


def test_an_error_raised_while_handling_an_outage_is_that_outage() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError:
            raise RuntimeError("could not finish") from None
    except RuntimeError as error:
        # ``from None`` hides the context from tracebacks only: it is still the cause here.
        assert outage_of(error) == STORAGE


def test_the_codes_are_stable() -> None:
    assert (DATABASE.code, STORAGE.code) == (DATABASE_UNAVAILABLE, STORAGE_FULL)
    assert (DATABASE_UNAVAILABLE, STORAGE_FULL) == (
        "service.database_unavailable",
        "service.storage_full",
    )


def test_handler500_answers_an_outage_raised_outside_a_view(caplog: Any) -> None:
    """A middleware (the session saved after the view) met the outage: Django calls
    handler500 with the error in flight."""
    request = RequestFactory().get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
    caplog.set_level(logging.INFO)
    try:
        raise wrapped(psycopg.errors.AdminShutdown("terminating connection"), OperationalError)
    except OperationalError:
        response = server_error_or_outage(request)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert [e["code"] for e in body["errors"]] == ["service.database_unavailable"]
    assert [(r.levelname, r.name) for r in caplog.records] == [("ERROR", "govhall.core.outages")]
    assert "psycopg.errors.AdminShutdown [57P01]: terminating connection" in caplog.messages[0]


def test_handler500_leaves_other_errors_a_plain_500() -> None:
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error_or_outage(request)
    assert response.status_code == 500
    assert b"a bug" not in response.content


class FlakyDatabase:
    """``connections`` whose cursor fails ``failures`` times, then works."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.closed = 0

    def close_all(self) -> None:
        self.closed += 1

    def __getitem__(self, alias: str) -> Any:
        return self

    def cursor(self) -> Any:
        if self.failures:
            self.failures -= 1
            raise OperationalError("connection refused")
        return mock.MagicMock()


def test_the_wait_backs_off_exponentially_up_to_30_seconds(caplog: Any) -> None:
    flaky = FlakyDatabase(failures=7)
    sleeps: list[float] = []
    caplog.set_level(logging.INFO)
    with mock.patch("govhall.core.outages.connections", flaky):
        assert database_wait(sleep=sleeps.append) is True
    assert sleeps == [1, 2, 4, 8, 16, 30, 30, 30]
    assert flaky.closed == 8
    assert [r.levelname for r in caplog.records] == ["WARNING"] * 7 + ["INFO"]


def test_the_wait_ends_when_stopped() -> None:
    stop = threading.Event()
    stop.set()
    with mock.patch("govhall.core.outages.connections", FlakyDatabase(failures=100)):
        assert database_wait(stop=stop) is False


def test_the_outbox_sweep_waits_for_the_database_and_goes_on(caplog: Any) -> None:
    command = OutboxDispatchCommand()
    stop = threading.Event()
    lost = wrapped(psycopg.errors.AdminShutdown("terminating connection"), OperationalError)
    report = DispatchReport(delivered=1, failed=0, remaining=0)
    with (
        mock.patch(
            "govhall.core.management.commands.outbox_dispatch.outbox_dispatch",
            side_effect=[lost, report],
        ),
        mock.patch("govhall.core.management.commands.outbox_dispatch.close_old_connections"),
        mock.patch(
            "govhall.core.management.commands.outbox_dispatch.database_wait", return_value=True
        ) as wait,
    ):
        assert command._round(500, stop) is None
        assert command._round(500, stop) == report
    wait.assert_called_once_with(stop=stop)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "ERROR",
            "outbox dispatch lost the database, waiting for it: django.db.utils.OperationalError:"
            " terminating connection <- psycopg.errors.AdminShutdown [57P01]: terminating"
            " connection",
        )
    ]
    assert caplog.records[0].exc_info is None  # one line, no traceback


def test_the_outbox_sweep_still_logs_other_failures_with_their_traceback(caplog: Any) -> None:
    with (
        mock.patch(
            "govhall.core.management.commands.outbox_dispatch.outbox_dispatch",
            side_effect=ValueError("a bug"),
        ),
        mock.patch("govhall.core.management.commands.outbox_dispatch.close_old_connections"),
        mock.patch("govhall.core.management.commands.outbox_dispatch.database_wait") as wait,
    ):
        assert OutboxDispatchCommand()._round(500, threading.Event()) is None
    assert wait.call_count == 0
    assert caplog.records[0].exc_info is not None


def worker() -> db_worker.ResilientWorker:
    return db_worker.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def test_the_task_worker_waits_for_the_database_and_runs_on(caplog: Any) -> None:
    """django-tasks-db's worker would exit on the first error that is not "locked"."""
    lost = wrapped(psycopg.errors.AdminShutdown("terminating connection"), OperationalError)
    resilient = worker()
    with (
        mock.patch.object(db_worker.db_worker.Worker, "run", side_effect=[lost, lost, None]) as run,
        mock.patch("govhall.core.management.commands.db_worker.database_wait") as wait,
    ):
        resilient.run()
    assert (run.call_count, wait.call_count) == (3, 2)
    assert resilient.startup_delay is False
    assert [r.levelname for r in caplog.records] == ["ERROR", "ERROR"]


def test_a_worker_told_to_stop_does_not_wait() -> None:
    resilient = worker()
    resilient.running = False
    with (
        mock.patch.object(db_worker.db_worker.Worker, "run", side_effect=InterfaceError("gone")),
        mock.patch("govhall.core.management.commands.db_worker.database_wait") as wait,
        pytest.raises(InterfaceError),
    ):
        resilient.run()
    assert wait.call_count == 0


def test_govhall_db_worker_is_the_resilient_one() -> None:
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "govhall.core"
