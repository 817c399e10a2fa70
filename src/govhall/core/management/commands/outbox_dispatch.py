"""``govhall outbox-dispatch [--loop] [--interval S] [--max-events N]``: deliver outbox events.

Without ``--loop`` one pass over the due events, then exit. With ``--loop`` the sweep that runs
beside the task worker (scripts/serve.sh): it delivers what the after-commit task missed
(a killed server, a lost enqueue) and the retries whose back-off has passed, until SIGTERM or
SIGINT; the round in progress finishes first. When the database goes away (a restart), the
loop logs it once and waits for it with bounded back-off (1, 2, 4 … at most 30 s), then goes on.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from govhall.core.outages import database_wait, failure_describe, outage_of
from govhall.core.outbox import DispatchReport, outbox_dispatch

logger = logging.getLogger(__name__)

ROUND_EVENTS = 500  # per round with --loop, so SIGTERM is honoured within one round


class Command(BaseCommand):
    help = "Deliver pending outbox events to their subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="Keep dispatching until SIGTERM or SIGINT."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="Seconds to wait between rounds with --loop (default 2).",
        )
        parser.add_argument(
            "--max-events",
            type=int,
            default=None,
            help=f"At most N events per run (per round with --loop; default all, {ROUND_EVENTS}"
            " per round with --loop).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_events: int | None = options["max_events"]
        if max_events is not None and max_events < 1:
            raise CommandError("--max-events must be at least 1")
        if options["interval"] < 0:
            raise CommandError("--interval must not be negative")
        if not options["loop"]:
            self._write(outbox_dispatch(max_events=max_events))
            return
        round_events = max_events or ROUND_EVENTS
        stop = threading.Event()
        previous = {
            number: signal.signal(number, lambda *_: stop.set())
            for number in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not stop.is_set():
                report = self._round(round_events, stop)
                handled = 0 if report is None else report.delivered + report.failed
                if report is not None and handled:
                    self._write(report)
                if handled < round_events:  # a full round means more are due: no pause
                    stop.wait(options["interval"])
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _round(self, max_events: int, stop: threading.Event) -> DispatchReport | None:
        """One round; after a database outage, the wait until the database answers again."""
        close_old_connections()
        try:
            return outbox_dispatch(max_events=max_events)
        except Exception as error:
            if outage_of(error) is None:
                logger.exception("outbox dispatch round failed")
                return None
            logger.error(
                "outbox dispatch lost the database, waiting for it: %s", failure_describe(error)
            )
            database_wait(stop=stop)
            return None

    def _write(self, report: DispatchReport) -> None:
        self.stdout.write(
            f"outbox: {report.delivered} delivered, {report.failed} failed, "
            f"{report.remaining} remaining"
        )
