"""Kernel background tasks (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from govhall.core.outbox import outbox_dispatch


@task()
def outbox_dispatch_task() -> dict[str, int]:
    """Deliver pending outbox events; enqueued once after each transaction that published.

    Idempotent: a second run finds nothing due, and concurrent runs never deliver an event to
    a subscriber twice (see ``govhall.core.outbox``).
    """
    return outbox_dispatch().as_dict()
