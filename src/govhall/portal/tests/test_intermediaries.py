"""Article 13 of the work plan: the intermediary service list (行政审批中介服务事项清单) and
the directory of intermediary agencies (中介服务机构名录) are published on the portal.

Requirements checked here:

* ``/intermediaries/`` lists every service by code with its legal basis, whether it is
  required by law, its fee basis, the items that need it (each a link to a search for the
  item's name) and how many agencies offer it;
* ``/intermediaries/<code>/`` shows one service and the agencies offering it; an unknown
  code is a 404;
* ``/agencies/`` lists the agencies by name with credit code, qualifications (number,
  issuer, validity, "已过期" once ``valid_until`` is before today), service area, fee
  standard, phone and address, and filters by service and by service area;
* the guide of an item names the intermediary services its base item needs;
* the expert pool is personal data: no expert appears on any public page.

Labels are compared through ``gettext``, so the assertions hold before and after the
zh-Hans catalogue is compiled.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from govhall.catalog.models import Agency, AgencyQualification, Expert, IntermediaryService
from govhall.catalog.revision import catalog_changed
from govhall.core.models import Region
from govhall.portal.tests.conftest import Places, PublishedGuide, credit_code

pytestmark = pytest.mark.django_db

EIA = "建设项目环境影响报告书（表）编制"
SAFETY = "危险化学品经营企业安全评价"
#: Agencies in name order, which is the same by code point and by pinyin (丰 < 华 < 黔),
#: so the assertions hold under any collation.
ZUNYI = "贵州丰诚安全评价有限公司"  # safety, 遵义市 only
HUAZHU = "贵州华筑环境工程有限公司"  # EIA and safety, 开阳县 only
GREEN = "贵州黔源绿测环境科技有限公司"  # EIA, the whole province
EXPERT_NAME = "龙晓岚"
EXPERT_EMPLOYER = "贵州省环境科学研究设计院"


@dataclass(frozen=True, slots=True)
class Directory:
    eia: IntermediaryService
    safety: IntermediaryService
    green: Agency
    huazhu: Agency
    zunyi: Agency


def _text(response: Any) -> str:
    return response.content.decode()  # type: ignore[no-any-return]


def _names(response: Any) -> list[str]:
    return [agency.name for agency in response.context["agencies"]]


@pytest.fixture
def directory(places: Places, published_guide: PublishedGuide) -> Directory:
    """Two services, three agencies in three service areas, and one expert of the pool."""
    today = timezone.localdate()
    zunyi_city, _ = Region.objects.update_or_create(
        code="520300000000",
        defaults={
            "prefix": "5203",
            "name": "遵义市",
            "level": "prefecture",
            "parent": places.province,
        },
    )
    eia = IntermediaryService.objects.create(
        code="ZJ52-001",
        name=EIA,
        legal_basis="《中华人民共和国环境影响评价法》第十九条",
        is_mandatory=False,
        fee_basis="市场调节价",
    )
    eia.base_items.add(published_guide.implementation.base_item)
    safety = IntermediaryService.objects.create(
        code="ZJ52-002",
        name=SAFETY,
        legal_basis="《危险化学品安全管理条例》第二十二条",
        is_mandatory=True,
        fee_basis="政府购买服务",
    )
    green = Agency.objects.create(
        name=GREEN,
        credit_code=credit_code("520115", 1),
        fee_standard="报告表一般3万元至8万元",
        phone="0851-84826135",
        address="贵阳市观山湖区长岭南路33号",
    )
    green.services.add(eia)
    green.service_regions.add(places.province)
    AgencyQualification.objects.create(
        agency=green,
        name="检验检测机构资质认定证书",
        number="232412050786",
        issued_by="贵州省市场监督管理局",
        valid_until=today - datetime.timedelta(days=1),
    )
    AgencyQualification.objects.create(
        agency=green,
        name="质量管理体系认证证书",
        number="00124Q3586R0S",
        issued_by="方圆标志认证集团有限公司",
        valid_until=today,  # still valid on its last day
    )
    huazhu = Agency.objects.create(name=HUAZHU, credit_code=credit_code("520103", 2))
    huazhu.services.add(eia, safety)
    huazhu.service_regions.add(places.county)
    AgencyQualification.objects.create(
        agency=huazhu,
        name="安全评价机构资质证书",
        number="APJ-（黔）-008",
        issued_by="贵州省应急管理厅",
        valid_until=None,
    )
    zunyi = Agency.objects.create(name=ZUNYI, credit_code=credit_code("520300", 3))
    zunyi.services.add(safety)
    zunyi.service_regions.add(zunyi_city)
    expert = Expert.objects.create(
        name=EXPERT_NAME,
        title="正高级工程师",
        specialties=["环境影响评价"],
        employer=EXPERT_EMPLOYER,
        region=places.province,
    )
    expert.departments.add(published_guide.department)
    return Directory(eia, safety, green, huazhu, zunyi)


# ---------------------------------------------------------------------------- the list


def test_service_list_shows_each_service_with_its_facts(
    client: Client, directory: Directory, published_guide: PublishedGuide
) -> None:
    """/intermediaries/ lists the services by code, with basis, items and agency counts."""
    response = client.get(reverse("portal:intermediaries"))
    assert response.status_code == 200
    page = _text(response)
    assert [service.name for service in response.context["services"]] == [EIA, SAFETY]
    for service in (directory.eia, directory.safety):
        url = reverse("portal:intermediary", args=[service.code])
        assert f'<a href="{url}">{service.name}</a>' in page
        assert f'<dd class="code">{service.code}</dd>' in page
        assert f"<dd>{service.legal_basis}</dd>" in page
        assert f"<dd>{service.fee_basis}</dd>" in page
    assert page.index(EIA) < page.index(SAFETY)
    # 环评 is not required by law, 安全评价 is.
    required = gettext("Required by law")
    assert re.findall(rf"<dt>{re.escape(required)}</dt><dd>([^<]+)</dd>", page) == [
        gettext("No"),
        gettext("Yes"),
    ]
    item_search = f"{reverse('portal:search')}?q={quote('最低生活保障')}"
    assert f'<a href="{item_search}">最低生活保障</a>' in page
    agencies = reverse("portal:agencies")
    assert f'2 · <a href="{agencies}?service=ZJ52-001">' in page
    assert f'2 · <a href="{agencies}?service=ZJ52-002">' in page


def test_service_list_is_linked_from_the_header(client: Client, directory: Directory) -> None:
    """Every page's main navigation links the intermediary service list."""
    page = _text(client.get(reverse("portal:home")))
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    assert (
        f'<a href="{reverse("portal:intermediaries")}">{gettext("Intermediary services")}</a>'
        in nav
    )


def test_service_list_queries_do_not_grow_with_the_data(
    client: Client, directory: Directory
) -> None:
    """Items and agencies are prefetched: more of them cost no extra query."""
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("portal:intermediaries"))
    more = IntermediaryService.objects.create(code="ZJ52-003", name="非煤矿山安全评价")
    for serial in range(4, 8):
        agency = Agency.objects.create(
            name=f"测试机构{serial}", credit_code=credit_code("520000", serial)
        )
        agency.services.add(more, directory.eia)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("portal:intermediaries"))
    assert len(after.captured_queries) == len(before.captured_queries)


# ---------------------------------------------------------------------------- one service


def test_service_page_lists_the_agencies_offering_it(client: Client, directory: Directory) -> None:
    """/intermediaries/ZJ52-002/ shows 安全评价 and exactly the two agencies offering it."""
    response = client.get(reverse("portal:intermediary", args=["ZJ52-002"]))
    assert response.status_code == 200
    page = _text(response)
    assert f"<h1>{SAFETY}</h1>" in page
    assert _names(response) == [ZUNYI, HUAZHU]
    assert f">{HUAZHU}</h3>" in page
    assert f">{ZUNYI}</h3>" in page
    assert GREEN not in page


def test_unknown_service_code_is_404(client: Client, directory: Directory) -> None:
    """A code that is not on the list answers 404 with a link back to the list."""
    response = client.get(reverse("portal:intermediary", args=["ZJ52-999"]))
    assert response.status_code == 404
    page = _text(response)
    assert gettext("Page not found") in page
    assert f'href="{reverse("portal:intermediaries")}"' in page


# ---------------------------------------------------------------------------- directory


def test_directory_shows_every_agency_with_its_details(
    client: Client, directory: Directory
) -> None:
    """/agencies/ lists the agencies by name with code, qualifications, area, fee and contact."""
    response = client.get(reverse("portal:agencies"))
    assert response.status_code == 200
    page = _text(response)
    assert _names(response) == [ZUNYI, HUAZHU, GREEN]
    for agency in (directory.green, directory.huazhu, directory.zunyi):
        assert f'id="agency-{agency.uuid}">{agency.name}</h3>' in page
        assert f'<dd class="code">{agency.credit_code}</dd>' in page
    for text in (
        "检验检测机构资质认定证书",
        "232412050786",
        "贵州省市场监督管理局",
        "APJ-（黔）-008",
        "贵州省应急管理厅",
        "<dd>报告表一般3万元至8万元</dd>",
        '<a href="tel:0851-84826135">0851-84826135</a>',
        "<dd>贵阳市观山湖区长岭南路33号</dd>",
        "<dd>贵州省</dd>",
        "<dd>开阳县</dd>",
        "<dd>遵义市</dd>",
    ):
        assert text in page, text
    no_expiry = gettext("Valid until") + ": " + gettext("No expiry date")
    assert page.count(no_expiry) == 1


def test_expired_qualification_is_marked(client: Client, directory: Directory) -> None:
    """A qualification whose validity ended yesterday says 已过期; one ending today does not."""
    page = _text(client.get(reverse("portal:agencies")))
    expired = gettext("Expired")
    badge = f'<span class="badge badge--expired">{expired}</span>'
    assert page.count(badge) == 1
    assert re.search(rf"<strong>检验检测机构资质认定证书</strong>\s*{re.escape(badge)}", page)
    not_expired = r'<strong>质量管理体系认证证书</strong>\s*<span class="qualification__detail">'
    assert re.search(not_expired, page)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert f"{gettext('Valid until')}: {yesterday:%Y-%m-%d}" in page


def test_directory_filters_by_service(client: Client, directory: Directory) -> None:
    """?service=ZJ52-001 keeps the two 环评 agencies and marks the service as chosen."""
    response = client.get(reverse("portal:agencies"), {"service": "ZJ52-001"})
    assert _names(response) == [HUAZHU, GREEN]
    assert '<option value="ZJ52-001" selected>' in _text(response)


def test_directory_filters_by_service_area(client: Client, directory: Directory) -> None:
    """?region=520121 keeps the agencies serving 开阳县: its own and the province-wide one."""
    agencies = reverse("portal:agencies")
    assert _names(client.get(agencies, {"region": "520121"})) == [HUAZHU, GREEN]
    assert _names(client.get(agencies, {"region": "5203"})) == [ZUNYI, GREEN]
    both = client.get(reverse("portal:agencies"), {"service": "ZJ52-002", "region": "520100"})
    assert _names(both) == [HUAZHU]


def test_directory_reports_unknown_filters(client: Client, directory: Directory) -> None:
    """Unknown service or region codes are explained and ignored; the page still answers."""
    response = client.get(reverse("portal:agencies"), {"service": "ZJ99", "region": "999999"})
    assert response.status_code == 200
    page = _text(response)
    assert _names(response) == [ZUNYI, HUAZHU, GREEN]
    service_message = gettext(
        "There is no intermediary service “%(code)s”; that filter was ignored."
    ) % {"code": "ZJ99"}
    region_message = gettext(
        "There is no region with the code “%(code)s”; that filter was ignored."
    ) % {"code": "999999"}
    assert service_message in page
    assert region_message in page


# ---------------------------------------------------------------------------- guide


def test_guide_names_the_intermediary_services_the_item_needs(
    client: Client, published_guide: PublishedGuide
) -> None:
    """The guide's basic information links the services; without any, the row is absent."""
    url = reverse("portal:guide", args=[published_guide.implementation.implementation_code])
    label = gettext("Intermediary services needed")
    assert label not in _text(client.get(url))
    service = IntermediaryService.objects.create(code="ZJ52-001", name=EIA)
    service.base_items.add(published_guide.implementation.base_item)
    catalog_changed()  # what the admin does after saving a service: cached guides refresh
    page = _text(client.get(url))
    assert f'<th scope="row">{label}</th>' in page
    link = f'<a href="{reverse("portal:intermediary", args=["ZJ52-001"])}">{EIA}</a>'
    assert link in page


# ---------------------------------------------------------------------------- experts


def test_no_expert_appears_on_public_pages(
    client: Client, directory: Directory, published_guide: PublishedGuide
) -> None:
    """The expert pool is personal data: neither the name nor the employer is ever shown."""
    code = published_guide.implementation.implementation_code
    urls = [
        reverse("portal:home"),
        reverse("portal:search"),
        reverse("portal:intermediaries"),
        reverse("portal:intermediary", args=["ZJ52-001"]),
        reverse("portal:intermediary", args=["ZJ52-002"]),
        reverse("portal:agencies"),
        reverse("portal:agencies") + "?service=ZJ52-001&region=520121",
        reverse("portal:guide", args=[code]),
        reverse("portal:guide_print", args=[code]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = _text(response)
        assert EXPERT_NAME not in page, url
        assert EXPERT_EMPLOYER not in page, url
