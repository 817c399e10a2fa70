"""The database side of a backup: which models, in what order, read in one snapshot, and
loaded back into an emptied database in one transaction.

Every concrete model of every installed app is included — auth, content types, permissions,
groups, sessions and the automatically created many-to-many tables too — in dependency order
(a model after the models its foreign keys point to). Rows are Django's own serialization
(``serializers.serialize("python")``) written as JSON lines; only datetimes keep their
microseconds (Django's JSON encoder cuts them to milliseconds, which would break every hash
over a timestamp, the audit chain's first). The restore empties every table first, so the
content types and permissions that ``migrate`` created are replaced by the backup's rows with
their original keys, and foreign keys need no natural-key mapping.
"""

from __future__ import annotations

import datetime
import heapq
import json
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext_lazy as _

from govhall.core.backup.errors import BackupError, BackupProblem

ROW_BATCH = 500
#: What makes an installation "not empty": restoring over any of these would destroy records.
#: Looked up through the app registry by label (core imports no app above it); absent apps
#: are skipped.
OCCUPIED_BY = (
    "core.AuditRecord",
    "identity.Person",
    "cases.Case",
    "licenses.License",
    "archive.StoredFile",
)

ModelType = type[models.Model]


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models(using: str) -> list[ModelType]:
    """Every concrete, managed model that lives in database ``using``, in dependency order."""
    connection = connections[using]
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.can_migrate(connection)
        and router.allow_migrate_model(using, model)
    ]
    return dependency_order(candidates)


def dependency_order(candidates: list[ModelType]) -> list[ModelType]:
    """Kahn's topological sort over foreign keys, ties by label; a cycle (possible with
    nullable keys) is broken at its smallest label — constraints are checked at commit."""
    by_label = {model._meta.label_lower: model for model in candidates}
    needs: dict[str, set[str]] = {}
    for label, model in by_label.items():
        targets = {
            (related._meta.concrete_model or related)._meta.label_lower
            for field in model._meta.concrete_fields
            if field.is_relation
            and (related := field.related_model) is not None
            and not isinstance(related, str)
        }
        needs[label] = {target for target in targets if target in by_label and target != label}
    ordered: list[ModelType] = []
    ready = [label for label, wanted in needs.items() if not wanted]
    heapq.heapify(ready)
    remaining = {label for label, wanted in needs.items() if wanted}
    while ready or remaining:
        if not ready:  # a cycle: take the smallest label and go on
            label = min(remaining)
            remaining.discard(label)
            heapq.heappush(ready, label)
        label = heapq.heappop(ready)
        ordered.append(by_label[label])
        for other in sorted(remaining):
            needs[other].discard(label)
            if not needs[other]:
                remaining.discard(other)
                heapq.heappush(ready, other)
    return ordered


@contextmanager
def read_snapshot(using: str) -> Iterator[None]:
    """One read-only transaction that sees one moment of the database.

    PostgreSQL: REPEATABLE READ, READ ONLY (a snapshot; writers go on). SQLite: a deferred
    transaction — in WAL mode its first read fixes a snapshot and writers go on; the
    IMMEDIATE mode the settings use for writes would take the write lock for the whole read.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError(
            BackupProblem.IN_TRANSACTION,
            _("A backup must run in its own transaction, not inside another one."),
        )
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        mode = getattr(connection, "transaction_mode", None)
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using):
                connection.transaction_mode = mode  # type: ignore[attr-defined]
                yield
        finally:
            connection.transaction_mode = mode  # type: ignore[attr-defined]
    else:
        raise _unsupported(connection.vendor)


def _unsupported(vendor: str) -> BackupError:
    return BackupError(
        BackupProblem.DATABASE_UNSUPPORTED,
        _("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor},
    )


def _serialized_fields(model: ModelType) -> list[str] | None:
    """Every field but many-to-many ones (their tables are sections of their own)."""
    if not model._meta.local_many_to_many:
        return None
    return [field.name for field in model._meta.local_fields]


def model_rows(model: ModelType, using: str, *, batch: int = ROW_BATCH) -> Iterator[list[bytes]]:
    """The model's rows in primary-key order, ``batch`` JSON lines at a time."""
    fields = _serialized_fields(model)
    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=batch)
    while chunk := list(islice(rows, batch)):
        objects = serializers.serialize("python", chunk, fields=fields)
        yield [
            json.dumps(item, cls=_Encoder, ensure_ascii=False, separators=(",", ":")).encode()
            for item in objects
        ]


def rows_load(lines: list[bytes], *, model: ModelType, using: str) -> int:
    """Insert serialized rows exactly as they were.

    Django's deserializer builds the instances; they are inserted the way ``loaddata``'s raw
    ``save()`` inserts one — ``_insert(raw=True)``, so no ``save()`` logic runs and no
    automatic time is set — but many rows per statement (about ten times faster than one
    ``INSERT`` per row on SQLite). No signals are sent: govhall uses none.
    """
    objects = [json.loads(line) for line in lines]
    label = model._meta.label_lower
    if any(item.get("model") != label for item in objects):
        raise BackupError(
            BackupProblem.TAMPERED,
            _("The backup's rows are not under their model's section. Nothing was restored."),
        )
    instances = [item.object for item in serializers.deserialize("python", objects, using=using)]
    fields = list(model._meta.local_concrete_fields)
    size = max(1, connections[using].ops.bulk_batch_size(fields, instances))
    for start in range(0, len(instances), size):
        model._base_manager.using(using)._insert(  # type: ignore[attr-defined]
            instances[start : start + size], fields=fields, using=using, raw=True
        )
    return len(instances)


def database_flush(using: str) -> None:
    """Empty every table of every installed model, in the caller's transaction."""
    connection = connections[using]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def database_finish(restored: list[ModelType], using: str) -> None:
    """Check foreign keys now (a clear error instead of a failed commit) and move PostgreSQL's
    sequences past the restored keys."""
    connection = connections[using]
    connection.check_constraints(table_names=[model._meta.db_table for model in restored])
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def migration_state(using: str | None) -> dict[str, list[str]]:
    """Per app, the newest migrations: applied in database ``using``, or (``None``) on disk."""
    connection = connections[using] if using is not None else None
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    graph = loader.graph
    if connection is None:
        chosen = set(graph.nodes)
    else:
        chosen = {key for key in loader.applied_migrations if key in graph.nodes}
    leaves: dict[str, list[str]] = {}
    for app_label, name in chosen:
        children = graph.node_map[(app_label, name)].children
        if not any(child[0] == app_label and child in chosen for child in children):
            leaves.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(leaves.items())}


def migration_differences(expected: dict[str, list[str]], found: dict[str, list[str]]) -> list[str]:
    """``app (expected → found)`` for each app whose newest migrations differ."""
    return [
        f"{app_label} ({', '.join(expected.get(app_label, [])) or '-'} → "
        f"{', '.join(found.get(app_label, [])) or '-'})"
        for app_label in sorted(set(expected) | set(found))
        if expected.get(app_label, []) != found.get(app_label, [])
    ]


def occupying_models(using: str) -> list[str]:
    """The names of the kinds of record that make the installation non-empty."""
    found: list[str] = []
    for label in (*OCCUPIED_BY, settings.AUTH_USER_MODEL):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._base_manager.using(using).exists():
            found.append(str(model._meta.verbose_name_plural))
    return found
