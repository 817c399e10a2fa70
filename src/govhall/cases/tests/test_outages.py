"""A database outage or a full disk in the middle of a request (docs/faults.md, "Database
restarts and full disks"): the page or the API answers 503 with a stable code, nothing is half
written — no action without its audit record, no state change, no event, no file row — and the
next request succeeds. The PostgreSQL tests terminate the server's backends for real (what
clients see when PostgreSQL restarts); the server itself is never restarted."""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, connections
from django.test import Client

from govhall.archive.models import StoredFile
from govhall.archive.samples import make_pdf
from govhall.cases.models import Case, CaseAction, MaterialUpload
from govhall.cases.tests.conftest import new_case, uploads_for
from govhall.core.models import AuditRecord, OutboxEvent

CASES = "/api/v1/cases/"
AUDIT_INSERT = 'INSERT INTO "core_auditrecord"'
DOWN = "the database is down"
# Autocommit between transactions, as served: no test transaction around the request.
AS_SERVED = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "actions": CaseAction.objects.count(),
        "audit": AuditRecord.objects.count(),
        "events": OutboxEvent.objects.count(),
        "files": StoredFile.objects.count(),
        "uploads": MaterialUpload.objects.count(),
    }


@contextmanager
def database_fails(when: Callable[[str], bool]) -> Iterator[list[str]]:
    """Every statement for which ``when(sql)`` holds fails as the driver's OperationalError
    (what a dropped connection raises), wrapped by Django as it would be; the statements
    attempted are listed."""
    attempted: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        attempted.append(sql)
        if when(sql):
            with connection.wrap_database_errors:
                raise connection.Database.OperationalError(DOWN)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield attempted


@contextmanager
def database_down_from(prefix: str) -> Iterator[list[bool]]:
    """The database goes down at the first statement that starts with ``prefix`` and stays
    down; the list says whether it went down."""
    down: list[bool] = []

    def goes_down(sql: str) -> bool:
        if sql.startswith(prefix):
            down.append(True)
        return bool(down)

    with database_fails(goes_down):
        yield down


def clerk_client(clerk: Any) -> tuple[Client, dict[str, int]]:
    """A signed-in clerk's client in English, and the counts before it acts."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    before = counts()
    return client, before


def problem_codes(response: Any) -> list[str]:
    assert response["Content-Type"] == "application/problem+json"
    return [error["code"] for error in json.loads(response.content)["errors"]]


def post(client: Client, url: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def upload(client: Client, version: Any, pages: int, **headers: Any) -> Any:
    requirement = version.materials.filter(source="applicant", is_required=True).first()
    return client.post(
        f"{CASES}uploads",
        {
            "version": str(version.uuid),
            "requirement": str(requirement.uuid),
            "file": SimpleUploadedFile("材料.pdf", make_pdf(pages=pages), "application/pdf"),
        },
        **headers,
    )


# --- in-process: the failure injected at a chosen statement ----------------------------------


@pytest.mark.django_db
def test_an_action_whose_audit_insert_fails_leaves_nothing(
    client: Client, version: Any, zhang: Any, clerk: Any, caplog: Any
) -> None:
    case = new_case(version, zhang)
    client.force_login(clerk)
    before = counts()
    caplog.set_level(logging.INFO)

    with database_fails(lambda sql: sql.startswith(AUDIT_INSERT)) as attempted:
        response = post(client, f"{CASES}{case.number}/actions/accept", {})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert problem_codes(response) == ["service.database_unavailable"]
    assert DOWN not in response.content.decode()
    assert "INSERT" not in response.content.decode()
    # the action log, the case and the event were written before the audit insert failed
    assert any(sql.startswith('INSERT INTO "cases_caseaction"') for sql in attempted)
    assert any(sql.startswith('INSERT INTO "core_outboxevent"') for sql in attempted)
    assert counts() == before
    assert Case.objects.get(pk=case.pk).state == "submitted"
    assert [(r.levelname, r.name) for r in caplog.records] == [("ERROR", "govhall.core.outages")]
    driver = "sqlite3" if connection.vendor == "sqlite" else "psycopg"
    assert caplog.messages == [
        f"service.database_unavailable on POST /api/v1/cases/{case.number}/actions/accept: "
        f"django.db.utils.OperationalError: {DOWN} <- {driver}.OperationalError: {DOWN}"
    ]

    # the database is back: the same action goes through
    again = post(client, f"{CASES}{case.number}/actions/accept", {})
    assert again.status_code == 200
    assert counts() == {
        **before,
        "actions": before["actions"] + 1,
        "audit": before["audit"] + 1,
        "events": before["events"] + 1,
    }


@pytest.mark.django_db
def test_a_submission_cut_off_at_its_audit_record_is_not_made_and_its_retry_is(
    client: Client, version: Any, zhang: Any
) -> None:
    client.force_login(zhang.user)
    body = {
        "version": str(version.uuid),
        "materials": [str(u) for u in uploads_for(version, zhang.user)],
    }
    before = counts()

    with database_fails(lambda sql: sql.startswith(AUDIT_INSERT)):
        response = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="outage-1")

    assert response.status_code == 503
    assert problem_codes(response) == ["service.database_unavailable"]
    assert counts() == before
    retried = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="outage-1")
    assert retried.status_code == 201
    assert Case.objects.count() == before["cases"] + 1


@AS_SERVED
@pytest.mark.parametrize(
    "down_from",
    [
        'SELECT "django_session"',  # before anything: the session
        pytest.param(  # the action's transaction (PostgreSQL's psycopg sends no BEGIN)
            "BEGIN", marks=pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite")
        ),
        'SELECT "cases_case"."id"',  # the case read, then (inside) locked
        'UPDATE "cases_case"',
        'INSERT INTO "cases_caseaction"',
        'INSERT INTO "core_outboxevent"',
        'INSERT INTO "core_auditrecord"',
        'UPDATE "core_audithead"',  # the transaction's last statement before COMMIT
    ],
)
def test_a_workbench_action_cut_off_anywhere_leaves_nothing(
    version: Any, zhang: Any, clerk: Any, down_from: str
) -> None:
    """The workbench's page; the database goes down at the first statement that starts with
    ``down_from`` and stays down."""
    case = new_case(version, zhang)
    client, before = clerk_client(clerk)

    with database_down_from(down_from) as down:
        response = client.post(f"/workbench/cases/{case.number}/", {"action": "accept"})

    assert down
    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<h1>Service temporarily unavailable</h1>" in page
    assert "The service is temporarily unavailable. Please try again in a minute." in page
    assert "<code>service.database_unavailable</code>" in page
    assert DOWN not in page and "Traceback" not in page
    assert counts() == before
    assert Case.objects.get(pk=case.pk).state == "submitted"


@AS_SERVED
def test_down_after_the_commit_the_action_stands_whole(
    version: Any, zhang: Any, clerk: Any
) -> None:
    """Down from the dispatch that follows the commit: the action, its audit record and its
    event are all there (the event waits in the outbox for the sweep)."""
    case = new_case(version, zhang)
    client, before = clerk_client(clerk)

    with database_down_from('SELECT "core_outboxevent"."id"') as down:
        response = client.post(f"/workbench/cases/{case.number}/", {"action": "accept"})

    assert down
    assert response.status_code == 302
    assert counts() == {
        **before,
        "actions": before["actions"] + 1,
        "audit": before["audit"] + 1,
        "events": before["events"] + 1,
    }
    assert Case.objects.get(pk=case.pk).state == "accepted"
    assert OutboxEvent.objects.filter(topic="cases.case.accept", delivered_at=None).count() == 1


@pytest.mark.django_db
def test_the_page_renders_with_the_database_down_in_the_sites_language(
    version: Any, zhang: Any, clerk: Any
) -> None:
    """Every statement fails: the session cannot even be read. The page needs none."""
    client = Client()  # zh-Hans, the site's language
    client.force_login(zhang.user)

    with database_fails(lambda sql: True) as attempted:
        response = client.get("/my/cases/")

    assert response.status_code == 503
    assert len(attempted) == 1  # the session's: the page itself read nothing
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>服务暂时不可用</h1>" in page
    assert "<code>service.database_unavailable</code>" in page
    # the security headers of every page
    assert "content-security-policy" in {name.lower() for name in response.headers}
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_anonymous_pages_answer_503_too(client: Client, version: Any) -> None:
    with database_fails(lambda sql: True):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "<code>service.database_unavailable</code>" in response.content.decode()


@pytest.mark.django_db
def test_other_database_errors_stay_server_errors(client: Client, version: Any) -> None:
    client = Client(raise_request_exception=False)

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with connection.wrap_database_errors:
            raise connection.Database.ProgrammingError("no such column")

    with connection.execute_wrapper(wrapper):
        response = client.get("/")
    assert response.status_code == 500


# --- full disks ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_onto_a_full_disk_stores_nothing(
    client: Client, version: Any, zhang: Any, caplog: Any
) -> None:
    client.force_login(zhang.user)
    uploads_for(version, zhang.user)  # the draft exists
    before = counts()
    full = OSError(errno.ENOSPC, "No space left on device")
    caplog.set_level(logging.INFO)

    with mock.patch.object(default_storage, "save", side_effect=full) as save:
        response = upload(client, version, pages=2, HTTP_ACCEPT_LANGUAGE="en")

    assert save.call_count == 1
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert problem_codes(response) == ["service.storage_full"]
    assert json.loads(response.content)["detail"] == (
        "The service cannot store anything at the moment. Please try again later."
    )
    assert "ENOSPC" not in response.content.decode()
    assert counts() == before
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "ERROR",
            "service.storage_full on POST /api/v1/cases/uploads: "
            "builtins.OSError [ENOSPC]: No space left on device",
        )
    ]
    # space again: the same upload is stored
    assert upload(client, version, pages=2).status_code == 201
    assert counts()["files"] == before["files"] + 1


@AS_SERVED
def test_a_full_database_refuses_the_action_whole(version: Any, zhang: Any, clerk: Any) -> None:
    """SQLite itself refuses to grow (PRAGMA max_page_count): SQLITE_FULL for real."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page limit; PostgreSQL's disk_full is classified in core's tests")
    case = new_case(version, zhang)
    client, before = clerk_client(clerk)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count")
        (limit,) = cursor.fetchone()
        cursor.execute("VACUUM")  # no free pages left to fill
        cursor.execute("PRAGMA freelist_count")
        assert cursor.fetchone() == (0,)
        cursor.execute("PRAGMA max_page_count = 1")  # never below its size: exactly full
    try:
        # 2,000 characters of opinion need pages of their own
        response = post(
            client, f"{CASES}{case.number}/actions/accept", {"opinion": "材料齐全" * 500}
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {int(limit)}")

    assert response.status_code == 503
    assert problem_codes(response) == ["service.storage_full"]
    assert counts() == before
    assert Case.objects.get(pk=case.pk).state == "submitted"


# --- PostgreSQL: its backends terminated for real ----------------------------------------


def backends_terminate() -> int:
    """What a PostgreSQL restart does to our connections: every backend of the test database
    but the one asking ends (waiting up to 5 s for each to be gone)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) "
                "FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            (terminated,) = cursor.fetchone()
    finally:
        other.close()
    return int(terminated)


def served(send: Callable[[], Any]) -> Any:
    """One request as a server serves it: Django's test client skips the connection checks
    that its handler runs at the start and the end of every request (request_started and
    request_finished's ``close_old_connections``)."""
    close_old_connections()
    try:
        return send()
    finally:
        close_old_connections()


only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="terminates PostgreSQL backends"
)


@only_postgresql
@AS_SERVED
def test_a_restart_between_two_requests_is_not_seen(version: Any, zhang: Any, clerk: Any) -> None:
    case = new_case(version, zhang)
    client = Client()
    client.force_login(clerk)
    assert served(lambda: client.get(f"{CASES}{case.number}")).status_code == 200

    assert backends_terminate() >= 1

    # CONN_HEALTH_CHECKS: the dead connection is found before the first query and replaced
    assert served(lambda: client.get(f"{CASES}{case.number}")).status_code == 200
    accepted = served(lambda: post(client, f"{CASES}{case.number}/actions/accept", {}))
    assert accepted.status_code == 200


@only_postgresql
@AS_SERVED
def test_a_restart_in_the_middle_of_an_action_rolls_it_back(
    version: Any, zhang: Any, clerk: Any, caplog: Any
) -> None:
    case = new_case(version, zhang)
    client = Client()
    client.force_login(clerk)
    before = counts()
    caplog.set_level(logging.INFO)
    killed: list[int] = []

    def restart_at_audit(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(AUDIT_INSERT) and not killed:
            killed.append(backends_terminate())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(restart_at_audit):
        response = served(lambda: post(client, f"{CASES}{case.number}/actions/accept", {}))

    assert killed and killed[0] >= 1
    assert response.status_code == 503
    assert problem_codes(response) == ["service.database_unavailable"]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith(
        f"service.database_unavailable on POST /api/v1/cases/{case.number}/actions/accept: "
        "django.db.utils.OperationalError: terminating connection due to administrator command"
    )
    assert "psycopg.errors.AdminShutdown [57P01]" in errors[0]
    close_old_connections()  # the test's own next query, as a request would
    assert counts() == before
    assert Case.objects.get(pk=case.pk).state == "submitted"

    again = served(lambda: post(client, f"{CASES}{case.number}/actions/accept", {}))
    assert again.status_code == 200
    assert Case.objects.get(pk=case.pk).state == "accepted"
    assert AuditRecord.objects.filter(action="cases.case.accept").count() == 1


@only_postgresql
@AS_SERVED
def test_a_restart_in_the_middle_of_a_submission_then_its_retry(version: Any, zhang: Any) -> None:
    client = Client()
    client.force_login(zhang.user)
    body = {
        "version": str(version.uuid),
        "materials": [str(u) for u in uploads_for(version, zhang.user)],
    }
    before = counts()

    def restart_at_audit(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(AUDIT_INSERT):
            backends_terminate()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(restart_at_audit):
        response = served(lambda: post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="pg-1"))

    assert response.status_code == 503
    assert problem_codes(response) == ["service.database_unavailable"]
    close_old_connections()
    assert counts() == before
    retried = served(lambda: post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="pg-1"))
    assert retried.status_code == 201
    assert Case.objects.count() == before["cases"] + 1
