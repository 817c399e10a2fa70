"""The transactional outbox: an event exists if and only if the change that published it
committed; every matching subscriber receives it once (its database writes and its delivery
mark commit together, so a dispatcher killed mid-way never runs a delivered subscriber again);
a failing subscriber is retried with exponential back-off while the others are delivered;
``govhall outbox-dispatch`` reports what it did and ``--loop`` stops on SIGTERM."""

from __future__ import annotations

import datetime
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction

from govhall.core import outbox
from govhall.core.management.commands import outbox_dispatch as command_module
from govhall.core.models import OutboxDelivery, OutboxEvent
from govhall.core.outbox import (
    DispatchReport,
    SubscriberRegistry,
    event_publish,
    outbox_dispatch,
    retry_delay,
    subscribe,
    subscribers_isolated,
)
from govhall.manage import main

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 9, 28, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
CASE = "0c8f9a4e-5b1d-4f7e-9a59-3f2d6b1c7e10"


@pytest.fixture
def subscribers() -> Iterator[SubscriberRegistry]:
    """Only the subscribers a test registers; the project's come back afterwards."""
    with subscribers_isolated() as isolated:
        yield isolated


@pytest.fixture
def frozen() -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        yield


def at(moment: datetime.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def publish(topic: str = "cases.case.granted", **payload: Any) -> OutboxEvent:
    with transaction.atomic():
        return event_publish(topic=topic, payload=payload or {"case": CASE})


def deliveries(event: OutboxEvent) -> list[str]:
    return list(
        OutboxDelivery.objects.filter(event=event)
        .order_by("id")
        .values_list("subscriber", flat=True)
    )


class Boom(Exception):
    pass


def test_an_event_published_in_a_rolled_back_transaction_does_not_exist() -> None:
    # given a service that publishes and then fails
    with pytest.raises(Boom), transaction.atomic():
        event_publish(topic="cases.case.granted", payload={"case": CASE})
        raise Boom
    # then
    assert OutboxEvent.objects.count() == 0


def test_a_topic_must_name_app_entity_and_event() -> None:
    with pytest.raises(ValueError, match=re.escape("is not <app>.<entity>.<event>")):
        publish("granted")
    with pytest.raises(ValueError, match=re.escape("is not <app>.<entity>.<event>")):
        publish("Cases.Case.Granted")
    assert OutboxEvent.objects.count() == 0


def test_a_subscriber_receives_the_event_once(
    subscribers: SubscriberRegistry, frozen: None
) -> None:
    # given
    received: list[tuple[str, str, dict[str, Any]]] = []

    @subscribe("cases.case.granted", name="publicity.case_publish")
    def case_publish(event: OutboxEvent) -> None:
        received.append((str(event.uuid), event.topic, event.payload))

    event = publish(case=CASE, amount=Decimal("1280.50"))
    # when
    first = outbox_dispatch()
    second = outbox_dispatch()
    # then
    assert received == [
        (str(event.uuid), "cases.case.granted", {"case": CASE, "amount": "1280.50"})
    ]
    assert first == DispatchReport(delivered=1, failed=0, remaining=0)
    assert second == DispatchReport(delivered=0, failed=0, remaining=0)
    event.refresh_from_db()
    assert event.delivered_at == MOMENT
    assert event.attempts == 0
    assert deliveries(event) == ["publicity.case_publish"]


def test_a_failing_subscriber_is_retried_with_back_off_and_the_other_is_not_run_again(
    subscribers: SubscriberRegistry,
) -> None:
    # given one subscriber that writes and then fails, and one that works
    calls: list[str] = []
    gateway_up = False

    @subscribe("cases.case.*", name="channels.sms_notify")
    def sms_notify(event: OutboxEvent) -> None:
        calls.append("sms")
        event_publish(topic="channels.sms.sent", payload={"case": CASE})
        if not gateway_up:
            raise RuntimeError("SMS gateway down")

    @subscribe("cases.case.*", name="analytics.case_count")
    def case_count(event: OutboxEvent) -> None:
        calls.append("count")

    with at(MOMENT):
        event = publish()
        # when
        report = outbox_dispatch()
    # then the working subscriber is delivered, the failing one's write is undone
    assert report == DispatchReport(delivered=0, failed=1, remaining=1)
    assert calls == ["sms", "count"]
    event.refresh_from_db()
    assert event.attempts == 1
    assert event.last_error == "channels.sms_notify: RuntimeError: SMS gateway down"
    assert event.available_at == MOMENT + datetime.timedelta(seconds=10)
    assert event.delivered_at is None
    assert deliveries(event) == ["analytics.case_count"]
    assert list(OutboxEvent.objects.values_list("topic", flat=True)) == ["cases.case.granted"]

    # when dispatched again before the back-off has passed: nothing runs
    with at(MOMENT + datetime.timedelta(seconds=9)):
        assert outbox_dispatch() == DispatchReport(delivered=0, failed=0, remaining=1)
    assert calls == ["sms", "count"]

    # when the back-off has passed and the gateway is back: only the failed one runs again
    gateway_up = True
    with at(MOMENT + datetime.timedelta(seconds=10)):
        report = outbox_dispatch()
    assert calls == ["sms", "count", "sms"]
    # the event the handler published is delivered in the same run (no subscriber)
    assert report == DispatchReport(delivered=2, failed=0, remaining=0)
    event.refresh_from_db()
    assert event.delivered_at == MOMENT + datetime.timedelta(seconds=10)
    assert event.attempts == 1
    assert deliveries(event) == ["analytics.case_count", "channels.sms_notify"]


def test_the_back_off_doubles_up_to_an_hour() -> None:
    assert [retry_delay(attempts).total_seconds() for attempts in (1, 2, 3, 9, 10, 1000)] == [
        10,
        20,
        40,
        2560,
        3600,
        3600,
    ]


def test_after_a_crash_before_the_event_was_marked_no_subscriber_runs_twice(
    subscribers: SubscriberRegistry, frozen: None
) -> None:
    # given an event whose subscriber committed its delivery, then the dispatcher died
    calls: list[str] = []

    @subscribe("cases.case.granted", name="publicity.case_publish")
    def case_publish(event: OutboxEvent) -> None:
        calls.append(str(event.uuid))

    event = publish()
    outbox_dispatch()
    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    # when
    report = outbox_dispatch()
    # then
    assert calls == [str(event.uuid)]
    assert report == DispatchReport(delivered=1, failed=0, remaining=0)
    event.refresh_from_db()
    assert event.delivered_at == MOMENT


def test_a_dispatcher_killed_inside_a_handler_leaves_neither_its_writes_nor_its_mark(
    subscribers: SubscriberRegistry, frozen: None
) -> None:
    # given a handler that writes, then the process is killed (SystemExit stands in)
    killed = True
    calls: list[str] = []

    @subscribe("cases.case.granted", name="supervision.case_watch")
    def case_watch(event: OutboxEvent) -> None:
        calls.append("watch")
        event_publish(topic="supervision.case.watched", payload={"case": CASE})
        if killed:
            raise SystemExit(137)

    event = publish()
    with pytest.raises(SystemExit):
        outbox_dispatch()
    assert deliveries(event) == []
    assert list(OutboxEvent.objects.values_list("topic", flat=True)) == ["cases.case.granted"]
    # when the next dispatcher runs
    killed = False
    report = outbox_dispatch()
    # then the handler ran again and its writes exist once
    assert calls == ["watch", "watch"]
    assert report == DispatchReport(delivered=2, failed=0, remaining=0)
    assert list(OutboxEvent.objects.order_by("id").values_list("topic", flat=True)) == [
        "cases.case.granted",
        "supervision.case.watched",
    ]
    assert deliveries(event) == ["supervision.case_watch"]


def test_subscribers_receive_the_topics_their_patterns_match(
    subscribers: SubscriberRegistry,
) -> None:
    # given
    received: list[tuple[str, str]] = []
    for pattern, name in (
        ("cases.case.*", "a.case_any"),
        ("cases.*.granted", "b.any_granted"),
        ("licenses.*", "c.licenses"),
        ("cases.case.granted", "d.exact"),
    ):
        subscribe(pattern, name)(lambda event, name=name: received.append((name, event.topic)))
    # when
    for topic in ("cases.case.granted", "cases.casework.granted", "licenses.license.issued"):
        publish(topic)
    outbox_dispatch()
    # then
    assert received == [
        ("a.case_any", "cases.case.granted"),
        ("b.any_granted", "cases.case.granted"),
        ("d.exact", "cases.case.granted"),
        ("b.any_granted", "cases.casework.granted"),
        ("c.licenses", "licenses.license.issued"),
    ]


def test_a_subscriber_name_is_registered_once(subscribers: SubscriberRegistry) -> None:
    subscribe("cases.case.*", "publicity.case_publish")(lambda event: None)
    with pytest.raises(ValueError, match=re.escape("'publicity.case_publish' is registered twice")):
        subscribe("cases.*", "publicity.case_publish")(print)


def test_the_isolated_registry_restores_the_subscribers_on_exit() -> None:
    with subscribers_isolated():
        subscribe("cases.case.*", "test.outer")(lambda event: None)
        with subscribers_isolated():
            assert outbox.registry.matching("cases.case.granted") == []
        assert [s.name for s in outbox.registry.matching("cases.case.granted")] == ["test.outer"]
    assert "test.outer" not in [s.name for s in outbox.registry.matching("cases.case.granted")]


def test_an_event_without_subscribers_is_delivered_at_once(
    subscribers: SubscriberRegistry, frozen: None
) -> None:
    event = publish("analytics.report.built")
    assert outbox_dispatch() == DispatchReport(delivered=1, failed=0, remaining=0)
    event.refresh_from_db()
    assert event.delivered_at == MOMENT


def test_a_bounded_run_delivers_the_oldest_events_first(subscribers: SubscriberRegistry) -> None:
    # given five events
    events = [publish(number=number) for number in range(5)]
    # when
    report = outbox_dispatch(batch_size=2, max_events=3)
    # then
    assert report == DispatchReport(delivered=3, failed=0, remaining=2)
    assert list(
        OutboxEvent.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True)
    ) == [events[3].pk, events[4].pk]


def test_one_task_is_enqueued_after_commit_and_delivers(
    subscribers: SubscriberRegistry, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    received: list[int] = []
    subscribe("cases.case.*", "test.receive")(
        lambda event: received.append(event.payload["number"])
    )
    # when a transaction publishes three events
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for number in range(3):
            event_publish(topic="cases.case.granted", payload={"number": number})
    # then one task ran them all (the test settings run tasks immediately)
    assert len(callbacks) == 1
    assert received == [0, 1, 2]
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 0


def test_one_task_per_transaction_whatever_its_savepoints_did(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            event_publish(topic="cases.case.granted", payload={})
            raise Boom
        with transaction.atomic():
            with transaction.atomic():  # a service's savepoint, released
                event_publish(topic="cases.case.granted", payload={})
            with transaction.atomic():
                event_publish(topic="cases.case.granted", payload={})
            event_publish(topic="cases.case.granted", payload={})
    assert len(callbacks) == 1


@pytest.fixture
def database_tasks(settings: Any) -> Iterator[None]:
    """The production task backend (rows in this database) instead of the immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield


def test_with_the_database_backend_the_task_row_is_written_in_the_event_transaction(
    database_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    # given a transaction that rolls back after publishing
    with pytest.raises(Boom), transaction.atomic():
        event_publish(topic="cases.case.granted", payload={})
        assert DBTaskResult.objects.count() == 1  # written with the event
        raise Boom
    assert DBTaskResult.objects.count() == 0  # and gone with it
    # when a transaction publishes three events and commits
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for number in range(3):
            event_publish(topic="cases.case.granted", payload={"number": number})
    # then exactly one dispatch task is waiting for the worker
    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("govhall.core.tasks.outbox_dispatch_task", "READY")
    ]


def govhall(monkeypatch: Any, *args: str) -> int:
    """Run the ``govhall`` console script in-process; returns its exit status."""
    monkeypatch.setattr(sys, "argv", ["govhall", *args])
    # The connection carries the test's transaction: closing it would lose it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr(command_module, "close_old_connections", lambda: None)
    try:
        main()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_the_command_delivers_and_prints_the_counts(
    subscribers: SubscriberRegistry, monkeypatch: Any, capsys: Any
) -> None:
    # given one event with a failing subscriber and two without
    def refuse(event: OutboxEvent) -> None:
        raise RuntimeError("refused")

    subscribe("licenses.license.*", "exchange.license_push")(refuse)
    publish("cases.case.granted")
    publish("licenses.license.issued")
    publish("cases.case.refused")
    # when
    status = govhall(monkeypatch, "outbox-dispatch", "--max-events", "10")
    # then
    assert status == 0
    assert capsys.readouterr().out == "outbox: 2 delivered, 1 failed, 1 remaining\n"


def test_the_loop_stops_on_sigterm(
    subscribers: SubscriberRegistry, monkeypatch: Any, capsys: Any
) -> None:
    # given a loop whose first round is followed by SIGTERM
    publish()
    rounds: list[DispatchReport] = []

    def dispatch_then_terminate(**options: Any) -> DispatchReport:
        report = outbox_dispatch(**options)
        rounds.append(report)
        os.kill(os.getpid(), signal.SIGTERM)
        return report

    monkeypatch.setattr(command_module, "outbox_dispatch", dispatch_then_terminate)
    handler_before = signal.getsignal(signal.SIGTERM)
    # when
    status = govhall(monkeypatch, "outbox-dispatch", "--loop", "--interval", "30")
    # then one round ran, the loop ended without waiting, the signal handler is restored
    assert status == 0
    assert rounds == [DispatchReport(delivered=1, failed=0, remaining=0)]
    assert capsys.readouterr().out == "outbox: 1 delivered, 0 failed, 0 remaining\n"
    assert signal.getsignal(signal.SIGTERM) == handler_before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_another_dispatcher_holds_is_skipped(
    subscribers: SubscriberRegistry, monkeypatch: Any
) -> None:
    """PostgreSQL: a dispatcher passes over the row another one has locked. (SQLite has no row
    locks; its IMMEDIATE transactions make the second dispatcher wait at BEGIN instead.)"""
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("the database has no SELECT ... FOR UPDATE SKIP LOCKED")
    # given an event that another dispatcher holds
    monkeypatch.setattr(outbox, "_dispatch_after_commit", lambda: None)
    calls: list[str] = []
    subscribe("cases.case.*", "test.receive")(lambda event: calls.append(event.topic))
    event = publish()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                OutboxEvent.objects.select_for_update().get(pk=event.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=hold)
    other.start()
    assert held.wait(10)
    # when
    try:
        report = outbox_dispatch()
    finally:
        release.set()
        other.join()
    # then
    assert report == DispatchReport(delivered=0, failed=0, remaining=1)
    assert calls == []
    assert outbox_dispatch() == DispatchReport(delivered=1, failed=0, remaining=0)
    assert calls == ["cases.case.granted"]


def test_the_admin_shows_an_event_with_its_deliveries(
    subscribers: SubscriberRegistry, admin_client: Any
) -> None:
    subscribe("cases.case.*", "publicity.case_publish")(lambda event: None)
    event = publish()
    outbox_dispatch()
    changelist = admin_client.get("/admin/core/outboxevent/", {"q": str(event.uuid)})
    change = admin_client.get(f"/admin/core/outboxevent/{event.pk}/change/")
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert change.status_code == 200
    assert "publicity.case_publish" in change.content.decode()
    assert admin_client.get("/admin/core/outboxevent/", {"q": "cases"}).status_code == 200


def test_the_command_refuses_a_bound_below_one(monkeypatch: Any, capsys: Any) -> None:
    assert govhall(monkeypatch, "outbox-dispatch", "--max-events", "0") == 1
    assert capsys.readouterr().err == "CommandError: --max-events must be at least 1\n"
