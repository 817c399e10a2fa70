"""The dependency audit (scripts/audit.py, ``make audit``, a CI step) fails on a known
vulnerability that a newer release fixes, warns about one that nothing fixes yet, and warns
loudly but passes when no vulnerability service can be reached (failing then only when
GOVHALL_AUDIT_REQUIRED=1). The reports are pip-audit's JSON format."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govhall_audit_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def report(*dependencies: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(dependencies), "fixes": []}


CLEAN = {"name": "segno", "version": "1.6.6", "vulns": []}
FIXABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [
        {
            "id": "PYSEC-2025-47",
            "fix_versions": ["5.2.2"],
            "aliases": ["CVE-2025-48432"],
            "description": "Log injection.",
        }
    ],
}
UNFIXABLE = {
    "name": "lxml",
    "version": "6.0.0",
    "vulns": [{"id": "GHSA-0000-0000-0000", "fix_versions": [], "aliases": []}],
}
UNKNOWN = {"name": "govhall-private", "skip_reason": "Dependency not found on PyPI"}


def test_a_fixable_vulnerability_fails(audit: ModuleType, capsys: Any) -> None:
    found = audit.verdict(report(CLEAN, FIXABLE))
    assert found.fixable == ["django 5.2.1: PYSEC-2025-47, CVE-2025-48432 (fixed in 5.2.2)"]
    assert audit.decide(found, required=False) == 1
    assert "VULNERABLE: django 5.2.1" in capsys.readouterr().err


def test_one_without_a_fix_and_an_unknown_package_only_warn(audit: ModuleType, capsys: Any) -> None:
    found = audit.verdict(report(CLEAN, UNFIXABLE, UNKNOWN))
    assert (found.audited, found.fixable) == (2, [])
    assert audit.decide(found, required=True) == 0
    out, err = capsys.readouterr()
    assert "warning: known vulnerability: lxml 6.0.0: GHSA-0000-0000-0000" in err
    assert "warning: not audited: govhall-private" in err
    assert out == (
        "dependency audit: 2 audited, 0 vulnerable with a fix, 1 without a fix, 1 not audited\n"
    )


def test_an_unreachable_service_warns_and_passes_unless_required(
    audit: ModuleType, capsys: Any
) -> None:
    nothing = audit.verdict(report(UNKNOWN))
    assert audit.decide(nothing, required=False) == 0
    assert "NOTHING WAS AUDITED" in capsys.readouterr().err
    assert audit.decide(None, required=False) == 0
    assert audit.decide(None, required=True) == 2
