"""A license as a PDF: the CJK fonts embedded, the face, the seal image, a QR code that a
scanner reads as the verification address; kept per revision; watermarked when not current."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from django.core.files.storage import default_storage
from django.test import override_settings

from govhall.core.documents import pdf_fonts
from govhall.licenses.rendering import license_pdf, license_pdf_name, verification_url
from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.tests.test_issue_and_verify import DAY, _issue

pytestmark = pytest.mark.django_db


def pdf_page_text(pdf: bytes) -> str:
    """The text of every page with all white space removed (letter-spaced titles and wrapped
    identifiers come out of the PDF with spaces and line breaks in them)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
    return "".join(text.split())


def pdf_qr_texts(pdf: bytes, *, scale: float = 3.0) -> list[str]:
    """Render the first page as a phone camera would see it and decode every QR code on it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@override_settings(SITE_URL="https://zwfw.guizhou.gov.cn")
def test_pdf_face_seal_and_qr(
    food_license_type: Any, bureau: Any, seal: Any, tmp_path: Path
) -> None:
    license = _issue(food_license_type, bureau)
    pdf = license_pdf(license, today=DAY)
    assert pdf.startswith(b"%PDF-")
    assert any("CJK" in font for font in pdf_fonts(pdf))
    text = pdf_page_text(pdf)
    for expected in (
        "食品经营许可证",
        "开阳县紫江小厨餐饮店",
        "餐饮服务经营者",  # a choice shown by its label
        "发证机关：开阳县市场监督管理局",
        "有效期限2026年11月30日至2031年11月29日",
        license.identifier,
    ):
        assert expected in text
    assert "已注销" not in text
    url = f"https://zwfw.guizhou.gov.cn/licenses/verify/{license.identifier}/"
    assert verification_url(license) == url
    assert pdf_qr_texts(pdf) == [url]
    document = pypdfium2.PdfDocument(pdf)
    document[0].render(scale=1.5).to_pil().save(tmp_path / "license.png")
    document.close()


@override_settings(SITE_URL="https://zwfw.guizhou.gov.cn")
def test_kept_per_revision_and_watermarked(food_license_type: Any, bureau: Any, seal: Any) -> None:
    license = _issue(food_license_type, bureau)
    first = license_pdf(license, today=DAY)
    name = license_pdf_name(license, today=DAY)
    assert name.startswith(f"licenses/pdf/{license.identifier}/r0-")
    assert default_storage.exists(name)
    assert license_pdf(license, today=DAY) == first  # read back, not rendered again
    revoked = license_change(license=license, kind="revoke", reason="申请人申请注销。", actor=None)
    assert license_pdf_name(revoked, today=DAY).startswith(f"licenses/pdf/{license.identifier}/r1-")
    assert "已注销" in pdf_page_text(license_pdf(revoked, today=DAY))


@override_settings(SITE_URL="https://zwfw.guizhou.gov.cn")
def test_expired_and_endorsed(food_license_type: Any, bureau: Any, seal: Any) -> None:
    license = _issue(food_license_type, bureau)
    endorsed = license_change(
        license=license,
        kind="endorse",
        reason="经营场所门牌号变更为紫江路90号，原许可事项不变。",
        until=datetime.date(2031, 1, 1),
        actor=None,
    )
    text = pdf_page_text(license_pdf(endorsed, today=DAY))
    assert "加注" in text and "紫江路90号" in text
    after = license.valid_until + datetime.timedelta(days=1)
    assert "-expired-" in license_pdf_name(endorsed, today=after)
    assert "已过期" in pdf_page_text(license_pdf(endorsed, today=after))


@override_settings(SITE_URL="https://zwfw.guizhou.gov.cn")
def test_the_card_layout(food_license_type: Any, bureau: Any, seal: Any, tmp_path: Path) -> None:
    """A type laid out as a card (卡证) renders on one A6 landscape page with its QR code."""
    food_license_type.layout = "card"
    food_license_type.save(update_fields=["layout"])
    license = _issue(food_license_type, bureau)
    pdf = license_pdf(license, today=DAY)
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 1
        width, height = document[0].get_size()
        document[0].render(scale=3).to_pil().save(tmp_path / "card.png")
    finally:
        document.close()
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (148, 105)
    assert "开阳县紫江小厨餐饮店" in pdf_page_text(pdf)
    assert pdf_qr_texts(pdf) == [verification_url(license)]
