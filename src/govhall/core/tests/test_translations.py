"""zh-Hans is the default language and every UI string has a Simplified Chinese translation:
the catalogue has no untranslated or fuzzy entry."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_is_complete() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("gettext's msgfmt is required: run `bash scripts/system-deps.sh`")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_default_language_is_simplified_chinese() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Service item catalog") == "政务服务事项目录"
    with translation.override("en"):
        assert translation.gettext("Service item catalog") == "Service item catalog"
