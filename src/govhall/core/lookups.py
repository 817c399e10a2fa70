"""``field__literal_in=CONSTANTS``: an ``IN`` list written into the SQL instead of bound.

SQLite uses a partial index (``… WHERE state IN ('submitted', …)``) only when the query's
``WHERE`` holds the same terms, and a bound parameter is not the same term as a literal: with
Django's ordinary ``__in`` the open-case indexes serve PostgreSQL (whose client-side binding
sends literals) but not SQLite (docs/performance.md, "Case queue at 1M cases"). The values
must be code constants made of letters, digits and underscores — never user input — so they
are written verbatim, in the order given (the order the index was created with).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Lookup
from django.db.models.sql.compiler import SQLCompiler

CONSTANT = re.compile(r"[A-Za-z0-9_]+")


class LiteralIn(Lookup[Any]):
    lookup_name = "literal_in"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = list(dict.fromkeys(self.rhs if isinstance(self.rhs, Iterable) else ()))
        if not values or not all(isinstance(v, str) and CONSTANT.fullmatch(v) for v in values):
            raise ValueError(f"literal_in takes a non-empty list of code constants: {self.rhs!r}")
        return values

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        literals = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({literals})", list(lhs_params)


def lookups_register() -> None:
    """Called once from the core app's ``ready()``."""
    CharField.register_lookup(LiteralIn)
