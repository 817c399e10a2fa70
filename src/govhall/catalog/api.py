"""Public catalog endpoints: search the items and read one full guide."""

from __future__ import annotations

import datetime
import uuid

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from govhall.catalog.models import Implementation, ItemVersion
from govhall.catalog.revision import catalog_revision
from govhall.catalog.selectors import ItemFilters, implementation_guide, implementation_search
from govhall.core.crypto import sm3_hex
from govhall.core.errors import FieldError, NotFound, ValidationFailed
from govhall.core.problems import problems

router = Router(tags=["catalog"])

PAGE_SIZE_MAX = 100
DETAIL_CACHE_SECONDS = 600


class ItemListQuery(Schema):
    q: str = Field("", max_length=100, description="Words to search, e.g. 低保")
    region: str = Field("", description="Region code (6 or 12 digits)")
    type: str = Field("", description="Item type code, e.g. 01")
    list: str = Field("", description="power, public_service ...")
    department: str = Field("", description="Department credit code or UUID")
    theme: str = Field("", description="Theme key")
    audience: str = Field("", description="person or organization")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=PAGE_SIZE_MAX)


class ItemSummary(Schema):
    implementation_code: str
    base_code: str
    name: str
    item_type: str
    department: str
    department_credit_code: str
    region_code: str
    region_name: str
    level: str
    url: str


class ItemPage(Schema):
    count: int
    items: list[ItemSummary]
    next: str | None


def _validate_filters(query: ItemListQuery) -> None:
    errors = []
    if query.region and (not query.region.isdigit() or len(query.region) not in (2, 4, 6, 9, 12)):
        errors.append(FieldError("region", "region.format", _("A region code has 6 or 12 digits.")))
    if query.type and (not query.type.isdigit() or len(query.type) != 2):
        errors.append(FieldError("type", "type.format", _("An item type code has 2 digits.")))
    if query.audience and query.audience not in ("person", "organization"):
        errors.append(
            FieldError("audience", "audience.unknown", _("Not one of the allowed values."))
        )
    if errors:
        raise ValidationFailed(errors)
    if query.region:
        from govhall.core.models import Region

        if not Region.objects.filter(code__startswith=query.region.ljust(6, "0")[:6]).exists():
            raise ValidationFailed([FieldError("region", "region.unknown", _("No such region."))])


@router.get(
    "/items",
    response=ItemPage,
    auth=None,
    summary="Search service items",
    description="Public. Paginated, ordered by relevance, then region and code.",
)
def item_list(request: HttpRequest, query: Query[ItemListQuery]) -> ItemPage:
    _validate_filters(query)
    filters = ItemFilters(
        q=query.q,
        region=query.region,
        item_type=query.type,
        item_list=query.list,
        department=query.department,
        theme=query.theme,
        audience=query.audience,
    )
    results = implementation_search(filters)
    offset = (query.page - 1) * query.page_size
    rows = list(results[offset : offset + query.page_size + 1])
    has_next = len(rows) > query.page_size
    rows = rows[: query.page_size]
    count = offset + len(rows) if not has_next and (rows or offset == 0) else results.count()
    next_url = None
    if has_next:
        params = request.GET.copy()
        params["page"] = str(query.page + 1)
        next_url = f"{request.path}?{params.urlencode()}"
    return ItemPage(count=count, items=[_summary(row) for row in rows], next=next_url)


def _summary(row: Implementation) -> ItemSummary:
    return ItemSummary(
        implementation_code=row.implementation_code,
        base_code=row.base_code,
        name=row.name,
        item_type=row.item_type.name,
        department=row.department.name,
        department_credit_code=row.department.credit_code,
        region_code=row.region.code,
        region_name=row.region.name,
        level=row.level,
        url=f"/items/{row.implementation_code}/",
    )


class MaterialOut(Schema):
    uuid: uuid.UUID
    name: str
    legal_basis: str
    form: str
    count: int
    paper_size: str
    signature_required: bool
    seal_required: bool
    source: str
    waivable_if_verified_online: bool
    required: bool
    essential: bool
    note: str
    blank_form_url: str | None
    sample_url: str | None


class ProcedureOut(Schema):
    name: str
    days: int
    legal_basis: str
    fee: str
    counted_in_limit: bool


class GuideStepOut(Schema):
    """A step of the guide's handling process (named apart from the cases' ``StepOut``: the
    OpenAPI document keys schemas by class name, and one would replace the other)."""

    name: str
    description: str = ""


class FaqOut(Schema):
    question: str
    answer: str


class GuideOut(Schema):
    version: int
    published_at: datetime.datetime | None
    case_kind: str
    legal_limit_days: int
    legal_limit_unit: str
    legal_limit_note: str
    promised_limit_days: int
    promised_limit_note: str
    promised_limit_display: str
    conditions: str
    process: list[GuideStepOut]
    visits: int
    online_handling: str
    fee_charged: bool
    fee_basis: str
    fee_standard: str
    result_name: str
    result_kind: str
    delivery_methods: list[str]
    address: str
    office_hours: str
    consultation: str
    supervision: str
    service_commitment: str
    faq: list[FaqOut]
    materials: list[MaterialOut]
    special_procedures: list[ProcedureOut]


class HandlingItemOut(Schema):
    handling_code: str
    kind: str
    name: str
    guide: GuideOut


class DepartmentOut(Schema):
    name: str
    credit_code: str
    nature: str


class ItemDetail(Schema):
    implementation_code: str
    base_code: str
    name: str
    item_type_code: str
    item_type: str
    item_list: str
    competent_department: str
    authority_nature: str
    legal_basis: str
    power_source: str
    level: str
    region_code: str
    region_name: str
    department: DepartmentOut
    entrusted_department: DepartmentOut | None
    service_objects: list[str]
    themes: list[str]
    pc_url: str
    mobile_url: str
    handling_items: list[HandlingItemOut]


def _guide(version: ItemVersion, request: HttpRequest) -> GuideOut:
    def file_url(name: str, material_uuid: uuid.UUID, kind: str) -> str | None:
        if not name:
            return None
        return request.build_absolute_uri(f"/materials/{material_uuid}/{kind}")

    return GuideOut(
        version=version.number,
        published_at=version.published_at,
        case_kind=version.case_kind,
        legal_limit_days=version.legal_limit_days,
        legal_limit_unit=version.legal_limit_unit,
        legal_limit_note=version.legal_limit_note,
        promised_limit_days=version.promised_limit_days,
        promised_limit_note=version.promised_limit_note,
        promised_limit_display=version.promised_limit_display,
        conditions=version.conditions,
        process=[GuideStepOut(**step) for step in version.process_steps],
        visits=version.visits,
        online_handling=version.online_handling,
        fee_charged=version.fee_charged,
        fee_basis=version.fee_basis,
        fee_standard=version.fee_standard,
        result_name=version.result_name,
        result_kind=version.result_kind,
        delivery_methods=list(version.delivery_methods),
        address=version.address,
        office_hours=version.office_hours,
        consultation=version.consultation,
        supervision=version.supervision,
        service_commitment=version.service_commitment,
        faq=[FaqOut(**entry) for entry in version.faq],
        materials=[
            MaterialOut(
                uuid=m.uuid,
                name=m.name,
                legal_basis=m.legal_basis,
                form=m.form,
                count=m.count,
                paper_size=m.paper_size,
                signature_required=m.signature_required,
                seal_required=m.seal_required,
                source=m.source,
                waivable_if_verified_online=m.waivable_if_verified_online,
                required=m.is_required,
                essential=m.is_essential,
                note=m.note,
                blank_form_url=file_url(m.blank_form.name, m.uuid, "blank"),
                sample_url=file_url(m.sample_form.name, m.uuid, "sample"),
            )
            for m in version.materials.all()
        ],
        special_procedures=[
            ProcedureOut(
                name=p.name,
                days=p.days,
                legal_basis=p.legal_basis,
                fee=p.fee,
                counted_in_limit=p.counted_in_limit,
            )
            for p in version.special_procedures.all()
        ],
    )


def _department(department: object) -> DepartmentOut | None:
    if department is None:
        return None
    return DepartmentOut(
        name=department.name,  # type: ignore[attr-defined]
        credit_code=department.credit_code,  # type: ignore[attr-defined]
        nature=department.nature,  # type: ignore[attr-defined]
    )


@router.get(
    "/items/{implementation_code}",
    response=ItemDetail,
    auth=None,
    summary="The full guide of an implementation item",
    openapi_extra=problems(404),
    description="Public. Every guide element of each handling item's published version.",
)
def item_detail(request: HttpRequest, implementation_code: str) -> ItemDetail:
    # A guide is the same for everyone until the catalog changes (see catalog.revision).
    key = "api:item:" + sm3_hex(
        f"{get_language()}|{catalog_revision()}|{request.get_host()}|{implementation_code}".encode()
    )
    detail: ItemDetail | None = cache.get(key)
    if detail is None:
        detail = _item_detail(request, implementation_code)
        cache.set(key, detail, DETAIL_CACHE_SECONDS)
    return detail


def _item_detail(request: HttpRequest, implementation_code: str) -> ItemDetail:
    implementation = implementation_guide(implementation_code)
    if implementation is None:
        raise NotFound(_("No published item has this implementation code."))
    handling = [
        HandlingItemOut(
            handling_code=item.handling_code,
            kind=item.kind,
            name=item.name,
            guide=_guide(item.published[0], request),  # type: ignore[attr-defined]
        )
        for item in implementation.handling_items.all()
        if item.published  # type: ignore[attr-defined]
    ]
    if not handling:
        raise NotFound(_("No published item has this implementation code."))
    base = implementation.base_item
    department = _department(implementation.department)
    assert department is not None
    return ItemDetail(
        implementation_code=implementation.implementation_code,
        base_code=implementation.base_code,
        name=implementation.name,
        item_type_code=implementation.item_type.code,
        item_type=implementation.item_type.name,
        item_list=base.item_list,
        competent_department=implementation.competent_department,
        authority_nature=implementation.authority_nature,
        legal_basis=implementation.legal_basis,
        power_source=implementation.power_source,
        level=implementation.level,
        region_code=implementation.region.code,
        region_name=implementation.region.name,
        department=department,
        entrusted_department=_department(implementation.entrusted_department),
        service_objects=[
            name
            for name, flag in (
                ("person", base.for_persons),
                ("organization", base.for_organizations),
            )
            if flag
        ],
        themes=[theme.key for theme in base.themes.all()],
        pc_url=implementation.pc_url,
        mobile_url=implementation.mobile_url,
        handling_items=handling,
    )
