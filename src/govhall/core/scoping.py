"""Which part of the province a staff member may see and change.

A scope is two indexable predicates — a region code prefix and, optionally, a department —
so every scoped list is served by an index instead of a permission table join.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class ScopedUser(Protocol):
    is_superuser: bool
    is_authenticated: bool
    department_id: int | None
    region_id: int | None


@dataclass(frozen=True, slots=True)
class StaffScope:
    """``None`` fields mean "unrestricted" on that axis; ``is_empty`` means "nothing at all"."""

    region_prefix: str | None
    department_id: int | None
    is_empty: bool = False

    @classmethod
    def for_user(cls, user: Any) -> StaffScope:
        from govhall.core.models import Region

        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
            return cls(None, None, is_empty=True)
        if user.is_superuser:
            return cls(None, None)
        prefix: str | None = None
        if user.region_id is not None:
            prefix = Region.objects.values_list("prefix", flat=True).get(pk=user.region_id)
        if prefix is None and user.department_id is None:
            # Staff without any scope see nothing rather than everything.
            return cls(None, None, is_empty=True)
        return cls(prefix, user.department_id)

    @property
    def is_province_wide(self) -> bool:
        return (
            not self.is_empty
            and self.department_id is None
            and (self.region_prefix is None or len(self.region_prefix) <= 2)
        )
