"""The synthetic catalog generator: valid codes, published guides, searchable, purgeable."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govhall.catalog.codes import base_code_errors, implementation_code_errors
from govhall.catalog.models import (
    BaseItem,
    HandlingItem,
    Implementation,
    ItemVersion,
    MaterialRequirement,
    VersionState,
)
from govhall.catalog.selectors import ItemFilters, implementation_search
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    handling_item_create,
    implementation_create,
    implementation_reindex,
)
from govhall.catalog.services.versions import (
    GuideInput,
    MaterialInput,
    item_version_create,
    item_version_publish,
    item_version_submit,
)
from govhall.core.identifiers import check_credit_code
from govhall.core.models import Department, Region
from govhall.core.search import query_tokens
from govhall.demo.scale import (
    SECTORS,
    SYNTHETIC_DEPARTMENT_SUFFIX,
    SYNTHETIC_LEGAL_MARK,
    base_specs,
    demo_scale,
    synthetic_base_items,
    synthetic_departments,
)

pytestmark = pytest.mark.django_db


def _scale(items: int, *extra: str) -> str:
    out = StringIO()
    call_command("demo_scale", f"--items={items}", *extra, stdout=out)
    return out.getvalue()


def _real_item(department: Any, region: Any) -> Implementation:
    """A real, published item made through the services, which purge must leave alone."""
    base = base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code="520500010000",
            name="最低生活保障申请",
            item_type_code="05",
            item_list="power",
            competent_department="民政部门",
            authority_nature="statutory",
            legal_basis="《社会救助暂行办法》第九条",
            for_persons=True,
            synonyms=["低保"],
        ),
    )
    implementation = implementation_create(
        actor=None,
        base_item=base,
        department=department("520121", "开阳县民政局"),
        region=region("520121"),
        level="county",
    )
    handling = handling_item_create(
        actor=None, implementation=implementation, kind="new", name="最低生活保障申请"
    )
    guide = GuideInput(
        case_kind="promised",
        legal_limit_days=20,
        promised_limit_days=10,
        conditions="申请人户籍在本县。",
        online_handling="full",
        materials=[MaterialInput(name="申请书", form="original", source="applicant")],
    )
    version = item_version_create(actor=None, handling_item=handling, guide=guide)
    item_version_submit(actor=None, version=version)
    item_version_publish(actor=None, version=version)
    return implementation


def test_vocabulary_has_about_two_thousand_distinct_valid_base_items() -> None:
    specs = base_specs()
    assert 1_900 <= len(specs) <= 2_200
    assert len({spec.name for spec in specs}) == len(specs)
    assert len({spec.base_code for spec in specs}) == len(specs)
    for spec in specs:
        assert base_code_errors(spec.base_code, item_type_code=spec.item_type) == []
        assert spec.base_code.startswith("52")
    assert len(SECTORS) == 8


def test_generates_exactly_the_items_asked_with_published_guides() -> None:
    output = _scale(50, "--seed=7")

    implementations = Implementation.objects.all()
    assert implementations.count() == 50
    assert "added 50 items" in output
    assert HandlingItem.objects.count() == 50
    published = ItemVersion.objects.filter(state=VersionState.PUBLISHED)
    assert published.count() == 50
    for version in published:
        assert 2 <= MaterialRequirement.objects.filter(version=version).count() <= 4
        assert version.promised_limit_days <= version.legal_limit_days / 2
    for implementation in implementations.select_related("department", "region", "base_item"):
        assert implementation.has_published_guide
        assert implementation.department.name.endswith(SYNTHETIC_DEPARTMENT_SUFFIX)
        assert implementation.legal_basis.startswith(SYNTHETIC_LEGAL_MARK)
        assert implementation.region.level == "county"
        assert implementation.department.region_id == implementation.region_id
        assert implementation_code_errors(implementation.implementation_code) == []
        assert implementation.implementation_code.endswith(implementation.base_code)
        assert (
            base_code_errors(
                implementation.base_code, item_type_code=implementation.base_item.item_type.code
            )
            == []
        )


def test_departments_cover_every_county_and_sector_with_valid_credit_codes() -> None:
    _scale(1)

    counties = Region.objects.filter(level="county", code__startswith="52").count()
    assert counties == 88
    departments = synthetic_departments()
    assert departments.count() == 88 * len(SECTORS)
    for department in departments:
        assert check_credit_code(department.credit_code).is_valid, department.credit_code
        assert department.credit_code[2:8] == department.region.code[:6]


def test_search_tokens_match_what_the_service_computes() -> None:
    _scale(20)

    for implementation in Implementation.objects.all():
        stored = implementation.search_tokens
        implementation_reindex(implementation=implementation)
        assert implementation.search_tokens == stored


def test_generated_items_are_found_by_search() -> None:
    _scale(50, "--seed=11")

    for implementation in Implementation.objects.all()[:10]:
        words = [token for token in query_tokens(implementation.name) if len(token) > 1]
        found = implementation_search(ItemFilters(q=words[0]))
        assert implementation.pk in [row.pk for row in found], (implementation.name, words)


def test_well_known_items_are_generated_first_and_found_by_their_synonyms() -> None:
    _scale(400, "--seed=3")

    names = set(Implementation.objects.values_list("name", flat=True))
    assert "最低生活保障申请" in names
    assert "最低生活保障申请" in [row.name for row in implementation_search(ItemFilters(q="低保"))]


def test_a_second_run_adds_more_without_duplicates() -> None:
    _scale(30, "--seed=5")
    _scale(30, "--seed=5")

    assert Implementation.objects.count() == 60
    assert Department.objects.count() == 88 * len(SECTORS)


def test_purge_removes_only_synthetic_rows(department: Any, region: Any) -> None:
    real = _real_item(department, region)
    _scale(50)
    assert Implementation.objects.count() == 51

    out = StringIO()
    call_command("demo_scale", "--purge", stdout=out)

    assert list(Implementation.objects.all()) == [real]
    assert HandlingItem.objects.count() == 1
    assert ItemVersion.objects.count() == 1
    assert MaterialRequirement.objects.count() == 1
    assert synthetic_departments().count() == 0
    assert synthetic_base_items().count() == 0
    assert list(BaseItem.objects.values_list("base_code", flat=True)) == ["520500010000"]
    assert Department.objects.filter(pk=real.department_id).exists()
    assert list(implementation_search(ItemFilters(q="低保"))) == [real]
    assert "purged 50 synthetic items" in out.getvalue()


def test_refuses_to_take_over_a_real_base_code() -> None:
    spec = base_specs()[0]
    base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code=spec.base_code,
            name="真实事项",
            item_type_code=spec.item_type,
            item_list="power",
            competent_department="市场监督管理部门",
            authority_nature="statutory",
            legal_basis="《中华人民共和国行政许可法》",
            for_organizations=True,
        ),
    )
    with pytest.raises(ValueError, match="real item"):
        demo_scale(items=1)


def test_command_needs_a_positive_item_count() -> None:
    with pytest.raises(CommandError):
        call_command("demo_scale", stdout=StringIO())
