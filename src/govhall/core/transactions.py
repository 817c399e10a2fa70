"""Transactions of services, and bulk runs that call many services in one transaction.

Every service opens ``service_atomic()`` so it is all-or-nothing on its own. Called inside
another transaction, Django's ``atomic()`` makes a savepoint (a PostgreSQL subtransaction) per
call; an import that writes 10,000 items through the services in one transaction then opens
hundreds of thousands of them, overflows PostgreSQL's per-backend subtransaction cache and
slows every statement (the 2,128 s PostgreSQL import of docs/performance.md). Inside
``bulk_transaction()`` the services join the outer transaction without savepoints: the first
error aborts the whole bulk run, which is what an all-or-nothing import wants anyway.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.transaction import Atomic

_in_bulk: contextvars.ContextVar[bool] = contextvars.ContextVar("govhall_in_bulk", default=False)


def service_atomic() -> Atomic:
    """The transaction of one service call (no savepoint inside ``bulk_transaction``)."""
    return transaction.atomic(savepoint=not _in_bulk.get())


@contextmanager
def bulk_transaction() -> Iterator[None]:
    """One transaction for many service calls; any error inside must end the whole run."""
    with transaction.atomic():
        token = _in_bulk.set(True)
        try:
            yield
        finally:
            _in_bulk.reset(token)
