"""Planner statistics for SQLite (the embedded profile).

Without ``sqlite_stat1`` SQLite guesses the selectivity of each index, and with the open-case
indexes it guessed differently from one run to the next: the supervisor's overdue list at 1M
cases took 9 ms in one run and 660 ms in the next (a department-by-department scan and a sort
instead of the ordered partial index). With statistics it chooses the partial index every time
(16 ms). ``ANALYZE`` takes about 2 s at 1M cases, so it runs after every ``migrate`` (the
upgrade step of every deployment, and ``make run``); run it again after a bulk load.
PostgreSQL keeps its own statistics (autovacuum), so nothing is done there.
"""

from __future__ import annotations

from typing import Any

from django.db import connections


def sqlite_statistics_refresh(*, using: str = "default", **_kwargs: Any) -> bool:
    """``ANALYZE`` the SQLite database ``using``; ``False`` (nothing done) on other engines."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def statistics_after_migrate(**kwargs: Any) -> None:
    """``post_migrate`` receiver: once, after the last app with models was migrated."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if kwargs.get("app_config") is with_models[-1]:
        sqlite_statistics_refresh(using=kwargs.get("using", "default"))
