"""The public portal pages: home, search, the unified guide, print, PDF and form downloads.

Labels are compared through ``gettext`` in the language the page was rendered in, so the
assertions hold before and after the zh-Hans catalogue is compiled.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import weasyprint
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from govhall.catalog.models import VersionState
from govhall.core.documents import pdf_fonts
from govhall.portal.tests.conftest import (
    BLANK_FORM_BYTES,
    HALL_ADDRESS,
    HALL_HOURS,
    SAMPLE_BYTES,
    DraftGuide,
    PublishedGuide,
)

pytestmark = pytest.mark.django_db

#: Every section heading of the unified guide template, in page order.
GUIDE_HEADINGS = [
    "Basic information",
    "At a glance",
    "Acceptance conditions",
    "Process",
    "Application materials",
    "Special procedures",
    "Fees",
    "Result and delivery",
    "Address and office hours",
    "Consultation and supervision",
    "Frequently asked questions",
    "Service commitment",
]


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def _heading(label: str) -> re.Pattern[str]:
    return re.compile(rf"<h[23][^>]*>\s*{re.escape(gettext(label))}\s*</h[23]>")


# ---------------------------------------------------------------------------- home


def test_home_lists_themes_by_audience_and_item_types(
    client: Client, published_guide: PublishedGuide
) -> None:
    """The home page has a search box, 个人办事 and 法人办事 themes, and item-type links."""
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    page = _text(response)
    assert '<html lang="zh-hans">' in page
    assert "贵州省网上办事大厅" in page
    assert 'name="q"' in page and f'action="{reverse("portal:search")}"' in page
    persons = page.index(gettext("Services for individuals"))
    organizations = page.index(gettext("Services for organizations"))
    assert persons < page.index("社会救助") < organizations < page.index("开办企业")
    assert "?audience=person&amp;theme=test-social-assistance" in page
    assert "?audience=organization&amp;theme=test-start-business" in page
    assert f'href="{reverse("portal:search")}?type=05">行政给付</a>' in page
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="language" value="en"' in page


def test_home_in_english_with_language_cookie(
    client: Client, published_guide: PublishedGuide
) -> None:
    """With the django_language cookie set to en, the page is English and says so in lang."""
    client.cookies["django_language"] = "en"
    response = client.get(reverse("portal:home"))
    page = _text(response)
    assert '<html lang="en">' in page
    for label in (
        "What do you want to do?",
        "Services for individuals",
        "Services for organizations",
        "Browse by item type",
        "Skip to main content",
    ):
        assert label in page
    assert 'name="language" value="zh-hans"' in page


def test_language_switch_works_without_javascript(
    client: Client, published_guide: PublishedGuide
) -> None:
    """Posting the header's form (language=en) sets the cookie and returns to the page."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/search/?q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=x"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in _text(client.get(reverse("portal:home")))


def test_home_in_english_with_accept_language(
    client: Client, published_guide: PublishedGuide
) -> None:
    """A browser asking for English (Accept-Language) gets the English page."""
    response = client.get(reverse("portal:home"), headers={"accept-language": "en"})
    assert '<html lang="en">' in _text(response)
    assert "Services for individuals" in _text(response)


# ---------------------------------------------------------------------------- search


def test_search_finds_item_by_synonym(client: Client, published_guide: PublishedGuide) -> None:
    """Searching 低保 finds 最低生活保障 through its synonym, linked to its guide."""
    response = client.get(reverse("portal:search"), {"q": "低保"})
    assert response.status_code == 200
    page = _text(response)
    code = published_guide.implementation.implementation_code
    assert f'<a href="{reverse("portal:guide", args=[code])}">最低生活保障</a>' in page
    assert "开阳县民政局" in page
    assert response.context["page"].paginator.count == 1


def test_search_with_region_filter_shows_active_filter_and_counties(
    client: Client, published_guide: PublishedGuide
) -> None:
    """Filtering by 开阳县 keeps the item, names the filter and lists the prefecture's counties."""
    response = client.get(reverse("portal:search"), {"region": "520121"})
    page = _text(response)
    assert response.context["page"].paginator.count == 1
    assert "<strong>开阳县</strong>" in page
    counties = response.context["region_facets"]["counties"]
    assert [(link.label, link.selected) for link in counties if link.label == "开阳县"] == [
        ("开阳县", True)
    ]
    prefectures = [link.label for link in response.context["region_facets"]["prefectures"]]
    assert "贵阳市" in prefectures


def test_search_with_unknown_region_explains_and_does_not_crash(
    client: Client, published_guide: PublishedGuide
) -> None:
    """An unknown region code is reported in words, ignored, and the page still answers 200."""
    response = client.get(reverse("portal:search"), {"region": "999999", "type": "99"})
    assert response.status_code == 200
    page = _text(response)
    region_message = gettext(
        "There is no region with the code “%(code)s”; that filter was ignored."
    ) % {"code": "999999"}
    type_message = gettext(
        "There is no item type with the code “%(code)s”; that filter was ignored."
    ) % {"code": "99"}
    assert region_message in page
    assert type_message in page
    assert 'role="alert"' in page
    assert response.context["page"].paginator.count == 1


def test_search_text_is_escaped(client: Client, published_guide: PublishedGuide) -> None:
    """What people type is shown back as text, never as markup."""
    response = client.get(reverse("portal:search"), {"q": "<script>alert(1)</script>"})
    page = _text(response)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_search_without_results_says_so_helpfully(
    client: Client, published_guide: PublishedGuide
) -> None:
    """No match: the page says so and suggests what to try next."""
    response = client.get(reverse("portal:search"), {"q": "护照签注", "page": "abc"})
    assert response.status_code == 200
    page = _text(response)
    assert gettext("No published service matches your search.") in page
    assert gettext("call the government service hotline 12345") in page


def test_search_excludes_items_without_a_published_guide(
    client: Client, published_guide: PublishedGuide, draft_guide: DraftGuide
) -> None:
    """Only published guides are searchable: the draft-only 临时救助 is not listed."""
    response = client.get(reverse("portal:search"))
    names = [item.name for item in response.context["page"].object_list]
    assert names == ["最低生活保障"]


# ---------------------------------------------------------------------------- guide


def test_guide_shows_every_section_and_the_materials(
    client: Client, published_guide: PublishedGuide
) -> None:
    """The guide page follows the unified template: every section, for every handling item."""
    implementation = published_guide.implementation
    response = client.get(reverse("portal:guide", args=[implementation.implementation_code]))
    assert response.status_code == 200
    page = _text(response)
    instant = published_guide.instant_item.versions.get(state=VersionState.PUBLISHED)
    for label in GUIDE_HEADINGS[1:]:
        assert len(_heading(label).findall(page)) == 2, label  # one per handling item
    assert len(_heading("Basic information").findall(page)) == 1
    for text in (
        implementation.implementation_code,
        implementation.base_code,
        published_guide.department.credit_code,
        "行政给付",
        "民政部门",
        "《社会救助暂行办法》第九条至第十三条",
        "最低生活保障申请",
        "最低生活保障信息变更",
        "最低生活保障申请表",
        "居民身份证",
        "入户调查",
        "低保金什么时候发放？",
        "材料齐全的，15个工作日内办结。",
        published_guide.promised_version.promised_limit_display,  # 15 working days
        instant.promised_limit_display,  # 当场办结
        HALL_ADDRESS,  # the versions leave the address blank: the department's is shown
        HALL_HOURS,
    ):
        assert text in page, text
    material = published_guide.material_with_form
    assert reverse("portal:material_file", args=[material.uuid, "blank"]) in page
    assert (
        reverse("portal:material_file", args=[published_guide.material_without_form.uuid, "blank"])
        not in page
    )
    assert reverse("portal:guide_print", args=[implementation.implementation_code]) in page
    assert reverse("portal:guide_pdf", args=[implementation.implementation_code]) in page
    assert page.index("<li><strong>申请</strong>") < page.index("<li><strong>审核</strong>")


def test_guide_of_unknown_code_is_404(client: Client, published_guide: PublishedGuide) -> None:
    """An implementation code nobody published answers 404 with a way back."""
    response = client.get(reverse("portal:guide", args=["11520121000012345X4000500999000"]))
    assert response.status_code == 404
    assert gettext("Page not found") in _text(response)


def test_guide_with_only_a_draft_is_404(client: Client, draft_guide: DraftGuide) -> None:
    """An implementation whose handling items have no published version is not shown."""
    code = draft_guide.implementation.implementation_code
    for name in ("portal:guide", "portal:guide_print", "portal:guide_pdf"):
        assert client.get(reverse(name, args=[code])).status_code == 404, name


def test_print_page_has_the_guide_without_navigation(
    client: Client, published_guide: PublishedGuide
) -> None:
    """The print page carries the whole guide and the print stylesheet, and no site chrome."""
    code = published_guide.implementation.implementation_code
    response = client.get(reverse("portal:guide_print", args=[code]))
    assert response.status_code == 200
    page = _text(response)
    for label in GUIDE_HEADINGS:
        assert _heading(label).search(page), label
    assert "最低生活保障申请表" in page
    assert "portal/print.css" in page
    assert "portal/portal.css" not in page
    assert 'class="site-header"' not in page
    assert f"http://testserver{reverse('portal:guide', args=[code])}" in page


def test_pdf_download_is_a_pdf_with_embedded_cjk_fonts(
    client: Client, published_guide: PublishedGuide
) -> None:
    """The PDF is an attachment named by the code, with the item name as UTF-8 filename*."""
    code = published_guide.implementation.implementation_code
    response = client.get(reverse("portal:guide_pdf", args=[code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{code}.pdf\"; filename*=UTF-8''{quote('最低生活保障.pdf')}"
    )
    assert response.content.startswith(b"%PDF-")
    fonts = pdf_fonts(response.content)
    assert "Noto-Sans-CJK-SC" in fonts
    assert "Noto-Serif-CJK-SC" in fonts


# ---------------------------------------------------------------------------- files


def test_blank_form_download_returns_the_stored_bytes(
    client: Client, published_guide: PublishedGuide
) -> None:
    """The blank form comes back byte for byte, as an attachment that cannot be sniffed."""
    material = published_guide.material_with_form
    response = client.get(reverse("portal:material_file", args=[material.uuid, "blank"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BLANK_FORM_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="blank-{material.uuid.hex[:8]}.docx"; '
        f"filename*=UTF-8''{quote('最低生活保障申请表.docx')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sample_of_another_type_is_an_opaque_download(
    client: Client, published_guide: PublishedGuide
) -> None:
    """A .jpg sample is served as application/octet-stream, sandboxed, under its own extension."""
    material = published_guide.material_without_form
    response = client.get(reverse("portal:material_file", args=[material.uuid, "sample"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SAMPLE_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/octet-stream"
    display = gettext("%(name)s (sample)") % {"name": "居民身份证"}
    assert response["Content-Disposition"] == (
        f'attachment; filename="sample-{material.uuid.hex[:8]}.jpg"; '
        f"filename*=UTF-8''{quote(display + '.jpg')}"
    )
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_missing_sample_and_unknown_kind_are_404(
    client: Client, published_guide: PublishedGuide
) -> None:
    """No sample was uploaded, and only "blank" and "sample" are kinds of file."""
    material = published_guide.material_with_form
    assert (
        client.get(reverse("portal:material_file", args=[material.uuid, "sample"])).status_code
        == 404
    )
    assert (
        client.get(reverse("portal:material_file", args=[material.uuid, "other"])).status_code
        == 404
    )


def test_form_of_a_draft_version_is_404(client: Client, draft_guide: DraftGuide) -> None:
    """A draft's form is not public, even to someone who knows the material's UUID."""
    assert draft_guide.material.version.state == VersionState.DRAFT
    assert draft_guide.material.blank_form
    response = client.get(
        reverse("portal:material_file", args=[draft_guide.material.uuid, "blank"])
    )
    assert response.status_code == 404


# ---------------------------------------------------------------------------- pdf_fonts


@pytest.mark.parametrize("uncompressed", [False, True])
def test_pdf_fonts_reads_compressed_and_plain_pdfs(uncompressed: bool) -> None:
    """pdf_fonts finds embedded fonts in object streams (WeasyPrint's default) and in the open."""
    html = (
        "<p style=\"font-family: 'Noto Sans CJK SC'\">最低生活保障</p>"
        "<p style=\"font-family: 'Noto Serif CJK SC'\">办事指南</p>"
    )
    pdf = weasyprint.HTML(string=html).write_pdf(uncompressed_pdf=uncompressed)
    assert pdf_fonts(pdf) == ["Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC"]


def test_pdf_fonts_ignores_fonts_that_are_only_named() -> None:
    """A descriptor without a font program is not an embedded font."""
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<</Type /FontDescriptor/FontName /ABCDEF+Named#20Only/Flags 4>>\n"
        b"endobj\n2 0 obj\n<</Type /FontDescriptor/FontName /GHIJKL+Real/FontFile2 3 0 R>>\n"
        b"endobj\n"
    )
    assert pdf_fonts(pdf) == ["Real"]


def test_page_language_follows_translation(client: Client, published_guide: PublishedGuide) -> None:
    """Labels on the English page are the English catalogue's, not the Chinese ones."""
    client.cookies["django_language"] = "en"
    page = _text(
        client.get(
            reverse("portal:guide", args=[published_guide.implementation.implementation_code])
        )
    )
    with translation.override("en"):
        for label in GUIDE_HEADINGS:
            assert _heading(label).search(page), label
