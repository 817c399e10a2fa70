"""Fixtures shared by every app's tests."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum.cn import uscc

from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department, Region


def make_credit_code(area: str, serial: int, *, authority: str = "1", kind: str = "1") -> str:
    """A valid unified social credit code for tests (GB 32100 and GB 11714 checks)."""
    return build_credit_code(
        area=area, organisation=f"{serial:08d}", authority=authority, kind=kind
    )


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    """Each test starts with empty caches: cached pages must not leak between tests."""
    from django.core.cache import cache

    from govhall.core.revisions import forget_revisions

    cache.clear()
    forget_revisions()
    yield
    cache.clear()
    forget_revisions()


@pytest.fixture
def region(db: Any) -> Any:
    """Look up a seeded region by its 6- or 12-digit code."""

    def get(code: str) -> Region:
        return Region.objects.get(code=code.ljust(12, "0"))

    return get


@pytest.fixture
def department(db: Any, region: Any) -> Any:
    """Create departments on demand: department("520121", "开阳县民政局")."""
    counter = {"n": 0}

    def make(code: str, name: str, *, level: str | None = None) -> Department:
        counter["n"] += 1
        place = region(code)
        credit = make_credit_code(place.short_code, 10_000_000 + counter["n"])
        assert uscc.is_valid(credit)
        return Department.objects.create(
            name=name,
            credit_code=credit,
            region=place,
            level=level or place.level,
        )

    return make
