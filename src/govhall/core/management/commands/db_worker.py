"""``govhall db_worker``: django-tasks-db's task worker, surviving a database restart.

django-tasks-db's worker exits on the first database error that is not SQLite's "database is
locked" (a PostgreSQL restart, a terminated backend). This one logs the error once, waits for
the database with bounded back-off (``core.outages.database_wait``: 1, 2, 4 … at most 30 s)
and goes on. A task that was running when the connection dropped stays marked running, as
after a killed worker (docs/faults.md); outbox dispatch tasks are covered by the outbox sweep.
Every option is django-tasks-db's.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

from govhall.core.outages import database_wait, failure_describe

logger = logging.getLogger(__name__)


class ResilientWorker(db_worker.Worker):
    """Runs django-tasks-db's loop again after the database came back."""

    def run(self) -> None:
        while True:
            try:
                super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    raise
                logger.error(
                    "task worker lost the database, waiting for it: %s", failure_describe(error)
                )
                self.startup_delay = False
                database_wait()
                continue
            return


class Command(db_worker.Command):
    help = db_worker.Command.help + " (waits out database restarts)"

    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
