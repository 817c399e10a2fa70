"""Notification fixtures: the case fixtures (a published 最低生活保障 guide of 开阳县民政局, a
clerk, 张建国 and 杨丽), the memory SMS outbox, and events delivered as in production."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from govhall.cases.tests.conftest import at, clerk, version, yang, zhang  # noqa: F401
from govhall.catalog.tests.conftest import (  # noqa: F401
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.core.outbox import outbox_dispatch
from govhall.identity.sms.contrib import memory

T = TypeVar("T")


@pytest.fixture
def sms_outbox() -> Iterator[list[memory.SentSms]]:
    memory.outbox.clear()
    yield memory.outbox
    memory.outbox.clear()


@pytest.fixture
def delivered(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], T]], T]:
    """``delivered(lambda: case_act(...))``: run the work and what follows its commit — the
    dispatch, the subscribers, their SMS.

    The test's own transaction never commits: the dispatch task is enqueued once for all of
    it (``outbox._dispatch_after_commit``), so each call dispatches explicitly as well.
    """

    def run(work: Callable[[], T]) -> T:
        with django_capture_on_commit_callbacks(execute=True):
            result = work()
            outbox_dispatch()
        return result

    return run
