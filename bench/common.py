"""What every bench shares: Django set-up on a bench database, labels of the database and the
machine (figures are only comparable with both), and percentiles."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB_URL = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def setup_django(url: str | None = None) -> str:
    """Configure Django for ``url`` (else ``DATABASE_URL``, else ``var/bench.sqlite3`` — never
    the development database); returns the database URL used."""
    if url is not None:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATABASE_URL", BENCH_DB_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.conf.base")
    # DEBUG would record every query in memory and slow every call down.
    os.environ["DEBUG"] = "false"
    if os.environ["DATABASE_URL"].startswith("sqlite:"):
        (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    return os.environ["DATABASE_URL"]


def database_label() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def load_label() -> str:
    """The 1-minute load average: figures taken on a busy machine are not comparable."""
    return f"load average {os.getloadavg()[0]:.2f}"


def machine_label() -> str:
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; {load_label()}"
    )


def percentile(values: list[float], pct: int) -> float:
    """The ``pct``-th percentile (inclusive method: works for any sample size >= 2)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
