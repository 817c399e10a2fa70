"""Database outages and full disks: one clear answer, nothing half-written, then recovery.

When the database cannot be reached or drops the connection in the middle of a request
(``django.db.OperationalError``, ``InterfaceError``: PostgreSQL restarting, a backend
terminated, SQLite's lock timeout), a page answers 503 with a translated page and the API a
problem document with the stable code ``service.database_unavailable``. When a write fails
because a disk is full — a stored file's ``OSError`` ``ENOSPC``/``EDQUOT``, SQLite's
``SQLITE_FULL`` ("database or disk is full"), PostgreSQL's SQLSTATE 53100 ``disk_full`` — the
answer is 503 with ``service.storage_full``. Both carry ``Retry-After`` and ``Cache-Control:
no-store``, never a stack trace or SQL, and are logged once at error level (docs/faults.md).

The page is rendered from a template of its own without a request context: no context
processor, no session and no user is read, so it renders with the database still down.

Nothing is half-written because every service is one transaction (``service_atomic``): a
failure anywhere inside it rolls back its rows, its audit record and its outbox event
together. Recovery needs no restart: Django drops a connection that failed
(``close_old_connections`` at the end of the request) and checks a kept one before reusing it
(``CONN_HEALTH_CHECKS``); the workers wait with :func:`database_wait`.
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error

from govhall.core.problems import problem_document

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "service.database_unavailable"
STORAGE_FULL = "service.storage_full"
STATUS = 503
TITLE = _("Service temporarily unavailable")
TEMPLATE = "core/unavailable.html"
API_PREFIX = "/api/"

FULL_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
SQLITE_FULL = 13  # primary result code; extended codes keep it in their low byte
POSTGRESQL_DISK_FULL = "53100"

WAIT_FIRST = 1.0
WAIT_MAX = 30.0


@dataclass(frozen=True, slots=True)
class Outage:
    """What a request that met the failure answers with."""

    code: str
    retry_after: int  # seconds
    detail: str | Promise


DATABASE = Outage(
    DATABASE_UNAVAILABLE,
    30,
    _("The service is temporarily unavailable. Please try again in a minute."),
)
STORAGE = Outage(
    STORAGE_FULL,
    300,
    _("The service cannot store anything at the moment. Please try again later."),
)


def outage_of(error: BaseException | None) -> Outage | None:
    """The outage ``error`` (or an error it was raised from) reports; ``None`` for any other."""
    chain = list(_causes(error))
    if any(_is_disk_full(cause) for cause in chain):
        return STORAGE
    if any(isinstance(cause, OperationalError | InterfaceError) for cause in chain):
        return DATABASE
    return None


def outage_answer(
    request: HttpRequest, outage: Outage, error: BaseException, *, problem: bool | None = None
) -> HttpResponse:
    """Log the failure once and answer: a problem document for the API (``problem`` or a path
    under /api/), the page otherwise."""
    logger.error(
        "%s on %s %s: %s", outage.code, request.method, request.path, failure_describe(error)
    )
    if problem is None:
        problem = request.path_info.startswith(API_PREFIX)
    if problem:
        errors = [{"field": "service", "code": outage.code, "message": str(outage.detail)}]
        response = problem_document(STATUS, str(TITLE), str(outage.detail), errors)
    else:
        # No request: no context processor runs (they would read the session and the user).
        page = render_to_string(TEMPLATE, {"title": TITLE, "outage": outage})
        response = HttpResponse(page, status=STATUS, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(outage.retry_after)
    response["Cache-Control"] = "no-store"
    # Logged above, with its cause: Django's request logger would log it again.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class OutageMiddleware:
    """Turns an outage raised by a view into :func:`outage_answer`; other errors pass on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        outage = outage_of(exception)
        if outage is None:
            return None
        return outage_answer(request, outage, exception)


def server_error_or_outage(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage raised outside a view (the session saved by its middleware)
    gets its own answer; anything else Django's plain 500 page."""
    error = sys.exc_info()[1]
    outage = outage_of(error)
    if error is None or outage is None:
        return server_error(request)
    return outage_answer(request, outage, error)


def failure_describe(error: BaseException) -> str:
    """One line for the log: the driver's error class, SQLSTATE or errno and first message
    line (no traceback, no SQL)."""
    parts = []
    for cause in _causes(error):
        name = f"{type(cause).__module__}.{type(cause).__qualname__}"
        code = getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)
        if isinstance(cause, OSError) and cause.errno is not None:
            code = errno.errorcode.get(cause.errno, str(cause.errno))
        message = (cause.strerror if isinstance(cause, OSError) else None) or str(cause)
        first_line = message.strip().splitlines()[0][:200] if message.strip() else ""
        parts.append(f"{name}{f' [{code}]' if code else ''}: {first_line}")
    return " <- ".join(parts)


def database_wait(
    *,
    stop: threading.Event | None = None,
    first: float = WAIT_FIRST,
    longest: float = WAIT_MAX,
    sleep: Callable[[float], object] = time.sleep,
) -> bool:
    """Wait until the database answers again, with bounded exponential back-off (1, 2, 4 … at
    most 30 s between attempts); ``False`` when ``stop`` was set meanwhile.

    For loops outside requests (the task worker, the outbox sweep): their connection is
    dropped first, so the next query opens a new one.
    """
    delay = first
    started = time.monotonic()
    while True:
        connections.close_all()
        if stop is not None:
            if stop.wait(delay):
                return False
        else:
            sleep(delay)
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT 1")
        except (OperationalError, InterfaceError) as error:
            logger.warning(
                "database still unavailable, next attempt in %.0f s: %s",
                min(delay * 2, longest),
                failure_describe(error),
            )
            delay = min(delay * 2, longest)
            continue
        logger.info("database available again after %.1f s", time.monotonic() - started)
        return True


def _causes(error: BaseException | None) -> Iterator[BaseException]:
    """``error``, then what it was raised from or while handling, at most 8 deep."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen and len(seen) < 8:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in FULL_DISK_ERRNOS:
        return True
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF == SQLITE_FULL:
        return True
    return POSTGRESQL_DISK_FULL in {
        getattr(error, "sqlstate", None),
        getattr(error, "pgcode", None),
    }
