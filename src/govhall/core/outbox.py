"""The transactional outbox: publish events inside a business transaction, deliver them after.

A service calls ``event_publish()`` inside its own transaction, so the event exists if and only
if the change it announces committed. ``outbox_dispatch()`` (run by a task enqueued after
commit, and by ``govhall outbox-dispatch --loop`` as the safety net) hands each pending event
to every matching subscriber.

Guarantees (docs/outbox.md):

- Each subscriber runs in its own transaction together with its ``OutboxDelivery`` row, so a
  handler's database writes and its delivery mark commit together or not at all: database
  effects happen exactly once, even when a dispatcher is killed mid-way.
- Effects outside the database (SMS, HTTP calls) happen at least once: a crash after the call
  and before the commit repeats it. Such handlers pass ``event.uuid`` on as an idempotency key,
  or consumers de-duplicate on it.
- A failing handler is retried with exponential back-off; the other subscribers of the event
  are delivered regardless and never run again for it.
- Events are not ordered: a failing event does not hold back later ones.

Subscribers register in their app's ``AppConfig.ready()`` by importing a module whose
functions are decorated with ``@subscribe("cases.case.*", name="publicity.case_publish")``.
"""

from __future__ import annotations

import contextvars
import enum
import fnmatch
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from govhall.core.models import OutboxDelivery, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]

TOPIC_FORMAT = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}")
RETRY_DELAY_FIRST = timedelta(seconds=10)
RETRY_DELAY_MAX = timedelta(hours=1)

# Set while this thread dispatches: events published by handlers have higher ids than the one
# being handled, so the running dispatch reaches them without enqueueing another task.
_dispatching: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "govhall_outbox_dispatching", default=False
)


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A handler for the topics that match ``topic_pattern`` (fnmatch: ``cases.case.*``).

    ``name`` identifies the subscriber in ``OutboxDelivery``: it must never change, or the
    subscriber would receive again every event still pending under its new name.
    """

    name: str
    topic_pattern: str
    handler: Handler

    def matches(self, topic: str) -> bool:
        return fnmatch.fnmatchcase(topic, self.topic_pattern)


class SubscriberRegistry:
    """The subscribers of this process, in registration order."""

    def __init__(self) -> None:
        self._subscribers: dict[str, Subscriber] = {}

    def register(self, subscriber: Subscriber) -> None:
        known = self._subscribers.get(subscriber.name)
        if known is not None and _qualified_name(known.handler) != _qualified_name(
            subscriber.handler
        ):
            raise ValueError(f"outbox subscriber {subscriber.name!r} is registered twice")
        self._subscribers[subscriber.name] = subscriber

    def matching(self, topic: str) -> list[Subscriber]:
        return [s for s in self._subscribers.values() if s.matches(topic)]

    @contextmanager
    def isolated(self) -> Iterator[SubscriberRegistry]:
        """Start empty and restore the previous subscribers on exit (for tests)."""
        saved = self._subscribers
        self._subscribers = {}
        try:
            yield self
        finally:
            self._subscribers = saved


registry = SubscriberRegistry()


def subscribe(topic_pattern: str, name: str) -> Callable[[Handler], Handler]:
    """Register ``handler(event) -> None`` for the topics matching ``topic_pattern``.

    Call it from code imported in the subscribing app's ``AppConfig.ready()``; the handler
    runs inside a transaction and must not swallow its own errors (raising means "retry").
    """

    def register(handler: Handler) -> Handler:
        registry.register(Subscriber(name=name, topic_pattern=topic_pattern, handler=handler))
        return handler

    return register


@contextmanager
def subscribers_isolated() -> Iterator[SubscriberRegistry]:
    """An empty subscriber registry for the duration of a test; the real one comes back."""
    with registry.isolated() as isolated:
        yield isolated


def event_publish(*, topic: str, payload: dict[str, Any]) -> OutboxEvent:
    """Write an event into the outbox, in the caller's transaction.

    Must be called inside the transaction of the change it announces (a service's
    ``service_atomic()``): the event then exists if and only if that change committed.
    ``topic`` is ``<app>.<entity>.<event>`` (``cases.case.granted``); ``payload`` is JSON
    (UUIDs, dates and decimals become strings) and carries public identifiers and the facts
    of the moment, never personal data in clear.
    """
    if not TOPIC_FORMAT.fullmatch(topic):
        raise ValueError(f"outbox topic {topic!r} is not <app>.<entity>.<event>")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_publish() must run inside the transaction of the change")
    now = timezone.now()
    event = OutboxEvent.objects.create(
        topic=topic, payload=payload, created_at=now, available_at=now
    )
    _dispatch_after_commit()
    return event


@dataclass(frozen=True, slots=True)
class DispatchReport:
    """What one dispatch run did: events ``delivered`` to every subscriber, events ``failed``
    (rescheduled with back-off), and the events still ``remaining`` in the outbox afterwards
    (due or waiting for a retry)."""

    delivered: int
    failed: int
    remaining: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class _Outcome(enum.Enum):
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"  # another dispatcher holds or finished the event


def outbox_dispatch(*, batch_size: int = 100, max_events: int | None = None) -> DispatchReport:
    """Deliver the due events, oldest first, at most ``max_events`` of them.

    Call it outside a transaction: every subscriber of every event gets its own. Several
    dispatchers may run at once (PostgreSQL skips the events another one has locked; SQLite's
    IMMEDIATE transactions queue them). One pass: events that fail are retried by a later run.
    """
    delivered = failed = seen = 0
    last_id = 0
    token = _dispatching.set(True)
    try:
        while max_events is None or seen < max_events:
            limit = batch_size if max_events is None else min(batch_size, max_events - seen)
            batch = list(
                OutboxEvent.objects.filter(
                    delivered_at__isnull=True, available_at__lte=timezone.now(), id__gt=last_id
                )
                .order_by("id")
                .values_list("id", "topic")[:limit]
            )
            if not batch:
                break
            for event_id, topic in batch:
                last_id = event_id
                seen += 1
                outcome = _event_dispatch(event_id, registry.matching(topic))
                delivered += outcome is _Outcome.DELIVERED
                failed += outcome is _Outcome.FAILED
    finally:
        _dispatching.reset(token)
    remaining = OutboxEvent.objects.filter(delivered_at__isnull=True).count()
    return DispatchReport(delivered=delivered, failed=failed, remaining=remaining)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 10 s, 20 s, 40 s … at most an hour."""
    return min(RETRY_DELAY_FIRST * (1 << min(attempts - 1, 20)), RETRY_DELAY_MAX)


def _event_dispatch(event_id: int, subscribers: list[Subscriber]) -> _Outcome:
    errors: list[str] = []
    for subscriber in subscribers:
        with transaction.atomic():
            event = _event_lock(event_id)
            if event is None:
                return _Outcome.SKIPPED
            if OutboxDelivery.objects.filter(event=event, subscriber=subscriber.name).exists():
                continue
            try:
                subscriber.handler(event)
                OutboxDelivery.objects.create(
                    event=event, subscriber=subscriber.name, delivered_at=timezone.now()
                )
            except Exception as error:
                # Undo the handler's writes (also the way out of a PostgreSQL transaction
                # that a failed query aborted).
                transaction.set_rollback(True)
                logger.exception(
                    "outbox subscriber %s failed on %s %s", subscriber.name, event.topic, event.uuid
                )
                errors.append(f"{subscriber.name}: {type(error).__name__}: {error}")
    with transaction.atomic():
        event = _event_lock(event_id)
        if event is None:
            return _Outcome.SKIPPED
        now = timezone.now()
        if errors:
            event.attempts += 1
            event.last_error = "\n".join(errors)
            event.available_at = now + retry_delay(event.attempts)
            event.save(update_fields=["attempts", "last_error", "available_at"])
            return _Outcome.FAILED
        event.delivered_at = now
        event.save(update_fields=["delivered_at"])
        return _Outcome.DELIVERED


def _event_lock(event_id: int) -> OutboxEvent | None:
    """Re-read the event in the current transaction if it is still pending and due.

    PostgreSQL locks the row and skips it when another dispatcher holds it. SQLite has no row
    locks, but its transactions are IMMEDIATE (conf/base.py): a second dispatcher waits at
    BEGIN, then reads what the first one committed.
    """
    pending = OutboxEvent.objects.filter(
        pk=event_id, delivered_at__isnull=True, available_at__lte=timezone.now()
    )
    if connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True)
    return pending.first()


def _dispatch_after_commit() -> None:
    """Have one dispatch task run once the outermost transaction commits (best effort: the
    ``outbox-dispatch --loop`` sweep delivers the event if this never runs).

    With the database task backend the task row is written now, in the transaction of the
    event: it exists if and only if the event does, and no extra transaction follows every
    commit. Other backends (the immediate one in tests) would run the task at once, inside the
    transaction, so they are enqueued after the commit instead.
    """
    if _dispatching.get():
        return
    # Once per transaction: a 10,000-event import enqueues one task, not 10,000. A callback
    # still pending survives as long as this event does: rolling back a savepoint removes the
    # callbacks registered inside it (and the task row written inside it), and any savepoint
    # still open would drop this event too.
    pending = transaction.get_connection().run_on_commit
    if any(entry[1] in (_dispatch_enqueue, _dispatch_enqueued) for entry in pending):
        return
    if _enqueue_is_transactional():
        _dispatch_enqueue()
        transaction.on_commit(_dispatch_enqueued)
    else:
        transaction.on_commit(_dispatch_enqueue, robust=True)


def _enqueue_is_transactional() -> bool:
    """Whether the task backend stores tasks in this database (and so in this transaction)."""
    from django_tasks_db import DatabaseBackend

    from govhall.core.tasks import outbox_dispatch_task  # the task module imports this one

    return isinstance(outbox_dispatch_task.get_backend(), DatabaseBackend)


def _dispatch_enqueued() -> None:
    """Marks a transaction whose dispatch task is already written (nothing to do on commit)."""


def _dispatch_enqueue() -> None:
    from govhall.core.tasks import outbox_dispatch_task  # the task module imports this one

    outbox_dispatch_task.enqueue()


def _qualified_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
