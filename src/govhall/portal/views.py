"""Public portal pages: home, search, the unified guide, its print and PDF forms, form files.

Views stay thin: they parse the query string, call a catalog selector and render. The rules
about what may be shown (published versions only, active implementations only) live in
:mod:`govhall.catalog.selectors`; the few reads here are lookups of dictionary rows (regions,
item types, themes) needed to label filters and build facet links.

No page needs JavaScript: filters are plain links, the language switch is a form, and the
guide is one long page with anchors instead of tabs, so it prints and reads aloud in order.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from govhall.catalog.models import (
    Audience,
    DeliveryMethod,
    HandlingItem,
    Implementation,
    IntermediaryService,
    ItemList,
    ItemType,
    ItemVersion,
    MaterialRequirement,
    Theme,
)
from govhall.catalog.selectors import (
    ItemFilters,
    agency_directory,
    implementation_guide,
    implementation_search,
    intermediary_service,
    intermediary_services,
    published_material,
)
from govhall.core.crypto import sm3_hex
from govhall.core.documents import html_to_pdf
from govhall.core.models import Department, Region, RegionLevel
from govhall.portal.caching import cached_page

PAGE_SIZE = 20
PDF_CACHE_SECONDS = 3600
#: Longer input is cut: nobody types 100 characters into a search box, robots do.
QUERY_MAX_LENGTH = 100
#: Query-string parameters of the search page other than ``page``.
FILTER_PARAMS = ("q", "region", "type", "list", "department", "theme", "audience")
#: Lengths of the region codes people and other sites link with (2, 4, 6, 9 or 12 digits).
REGION_CODE_LENGTHS = (2, 4, 6, 9, 12)
#: Blank forms and samples are served only with these types; anything else is a download.
MATERIAL_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MATERIAL_FIELDS = {"blank": "blank_form", "sample": "sample_form"}
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')
_ASCII_FILENAME = re.compile(r"[^0-9A-Za-z._-]+")
_EXTENSION = re.compile(r"^[0-9a-z]{1,8}$")


# ---------------------------------------------------------------------------- helpers


def _search_url(params: dict[str, str], changes: dict[str, str] | None = None) -> str:
    """The search URL for ``params`` with ``changes`` applied; empty values are dropped."""
    merged = {**params, **(changes or {})}
    query = urlencode({key: value for key, value in merged.items() if value})
    base = reverse("portal:search")
    return f"{base}?{query}" if query else base


def _attachment(ascii_name: str, display_name: str) -> str:
    """A Content-Disposition value with an ASCII ``filename`` and a UTF-8 ``filename*``.

    Old clients read ``filename``; every current browser prefers ``filename*`` (RFC 6266), so
    people get the Chinese name while nothing outside ASCII reaches a quoted header value.
    """
    ascii_safe = _ASCII_FILENAME.sub("_", ascii_name).strip("._") or "download"
    display_safe = _UNSAFE_FILENAME.sub("_", display_name).strip(" .")[:120] or ascii_safe
    return f"attachment; filename=\"{ascii_safe}\"; filename*=UTF-8''{quote(display_safe)}"


def _province() -> Region | None:
    """The province this installation serves (``GOVHALL["PROVINCE_CODE"]``)."""
    code = str(settings.GOVHALL["PROVINCE_CODE"]).ljust(12, "0")
    return Region.objects.filter(code=code).first()


# ---------------------------------------------------------------------------- home


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Search box, "I want to..." themes for persons and organizations, browse by item type."""
    themes = list(Theme.objects.order_by("audience", "order", "name"))
    return render(
        request,
        "portal/home.html",
        {
            "person_themes": [t for t in themes if t.audience == Audience.PERSON],
            "organization_themes": [t for t in themes if t.audience == Audience.ORGANIZATION],
            "item_types": list(ItemType.objects.all()),
            "person_url": _search_url({"audience": Audience.PERSON}),
            "organization_url": _search_url({"audience": Audience.ORGANIZATION}),
            "query_max_length": QUERY_MAX_LENGTH,
        },
    )


# ---------------------------------------------------------------------------- search


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """One filter in force, shown with a link that removes it."""

    label: str | Promise
    value: str
    remove_url: str


@dataclass(frozen=True, slots=True)
class FacetLink:
    label: str
    url: str
    selected: bool


@dataclass(slots=True)
class _ParsedFilters:
    """The filters that were understood; the others are reported and ignored."""

    params: dict[str, str]
    labels: dict[str, tuple[str | Promise, str]]
    errors: list[str]
    region: Region | None = None


def _echo(value: str) -> str:
    """A user's input, shortened, for an error message (the template escapes it)."""
    return value if len(value) <= 40 else value[:40] + "…"


def _lookup_department(value: str) -> Department | None:
    condition = Q(credit_code=value.upper())
    with contextlib.suppress(ValueError):
        condition |= Q(uuid=uuid.UUID(value))
    return Department.objects.filter(condition).first()


def _parse_filters(request: HttpRequest) -> _ParsedFilters:
    """Read the search parameters; unknown values become messages instead of errors pages.

    A stale bookmark or a mistyped link must still lead somewhere useful, so a bad filter is
    dropped with an explanation and the search runs with the rest.
    """
    raw = {name: request.GET.get(name, "").strip()[:QUERY_MAX_LENGTH] for name in FILTER_PARAMS}
    parsed = _ParsedFilters(params={"q": raw["q"]}, labels={}, errors=[])

    if value := raw["region"]:
        region = None
        if value.isdigit() and len(value) in REGION_CODE_LENGTHS:
            region = Region.objects.filter(code=value.ljust(12, "0")).first()
        if region is None:
            parsed.errors.append(
                str(_("There is no region with the code “%(code)s”; that filter was ignored."))
                % {"code": _echo(value)}
            )
        else:
            parsed.region = region
            parsed.params["region"] = region.code
            parsed.labels["region"] = (_("Region"), region.name)

    if value := raw["type"]:
        item_type = ItemType.objects.filter(code=value).first()
        if item_type is None:
            parsed.errors.append(
                str(_("There is no item type with the code “%(code)s”; that filter was ignored."))
                % {"code": _echo(value)}
            )
        else:
            parsed.params["type"] = item_type.code
            parsed.labels["type"] = (_("Item type"), item_type.name)

    if value := raw["list"]:
        if value in ItemList.values:
            parsed.params["list"] = value
            parsed.labels["list"] = (_("List"), str(ItemList(value).label))
        else:
            parsed.errors.append(
                str(_("There is no list called “%(name)s”; that filter was ignored."))
                % {"name": _echo(value)}
            )

    if value := raw["department"]:
        department = _lookup_department(value)
        if department is None:
            parsed.errors.append(
                str(_("There is no department “%(code)s”; that filter was ignored."))
                % {"code": _echo(value)}
            )
        else:
            parsed.params["department"] = department.credit_code
            parsed.labels["department"] = (_("Department"), department.name)

    if value := raw["theme"]:
        theme = Theme.objects.filter(key=value).first()
        if theme is None:
            parsed.errors.append(
                str(_("There is no theme “%(key)s”; that filter was ignored."))
                % {"key": _echo(value)}
            )
        else:
            parsed.params["theme"] = theme.key
            parsed.labels["theme"] = (_("Theme"), theme.name)

    if value := raw["audience"]:
        if value in Audience.values:
            parsed.params["audience"] = value
            parsed.labels["audience"] = (_("Services for"), str(Audience(value).label))
        else:
            parsed.errors.append(
                str(_("“%(value)s” is neither persons nor organizations; that filter was ignored."))
                % {"value": _echo(value)}
            )
    return parsed


def _region_facets(params: dict[str, str], selected: Region | None) -> dict[str, Any]:
    """Links for the province, its prefectures and the counties of the chosen prefecture."""
    province = _province()
    if province is None:
        return {"province": None, "prefectures": [], "counties": []}
    chosen = selected.code if selected else ""

    def link(region: Region) -> FacetLink:
        return FacetLink(
            region.name, _search_url(params, {"region": region.code}), region.code == chosen
        )

    prefectures = Region.objects.filter(
        level=RegionLevel.PREFECTURE, prefix__startswith=province.prefix, is_current=True
    ).order_by("code")
    counties: list[FacetLink] = []
    if selected is not None and selected.level != RegionLevel.PROVINCE:
        counties = [
            link(county)
            for county in Region.objects.filter(
                level=RegionLevel.COUNTY, prefix__startswith=selected.prefix[:4], is_current=True
            ).order_by("code")
        ]
    return {
        "province": FacetLink(
            province.name,
            _search_url({**params, "region": ""}),
            chosen in ("", province.code),
        ),
        "prefectures": [link(prefecture) for prefecture in prefectures],
        "counties": counties,
    }


def _page_links(params: dict[str, str], page: Page[Implementation]) -> list[FacetLink | None]:
    """Numbered page links with ``None`` where pages are elided."""
    links: list[FacetLink | None] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if isinstance(number, int):
            links.append(
                FacetLink(
                    str(number), _search_url(params, {"page": str(number)}), number == page.number
                )
            )
        else:  # Paginator.ELLIPSIS
            links.append(None)
    return links


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search the published items with text and filters, 20 per page, with facet links."""
    parsed = _parse_filters(request)
    params = parsed.params
    filters = ItemFilters(
        q=params.get("q", ""),
        region=params.get("region", ""),
        item_type=params.get("type", ""),
        item_list=params.get("list", ""),
        department=params.get("department", ""),
        theme=params.get("theme", ""),
        audience=params.get("audience", ""),
    )
    paginator: Paginator[Implementation] = Paginator(
        implementation_search(filters),  # type: ignore[arg-type]
        PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    audience = params.get("audience", "")
    themes = Theme.objects.order_by("audience", "order", "name")
    if audience:
        themes = themes.filter(audience=audience)
    return render(
        request,
        "portal/search.html",
        {
            "q": params.get("q", ""),
            "params": params,
            "hidden_params": [(k, v) for k, v in params.items() if k != "q" and v],
            "errors": parsed.errors,
            "active_filters": [
                ActiveFilter(label, value, _search_url(params, {name: ""}))
                for name, (label, value) in parsed.labels.items()
            ],
            "clear_filters_url": _search_url({"q": params.get("q", "")}),
            "page": page,
            "page_links": _page_links(params, page) if paginator.num_pages > 1 else [],
            "previous_url": (
                _search_url(params, {"page": str(page.previous_page_number())})
                if page.has_previous()
                else ""
            ),
            "next_url": (
                _search_url(params, {"page": str(page.next_page_number())})
                if page.has_next()
                else ""
            ),
            "region_facets": _region_facets(params, parsed.region),
            "audience_facets": [
                FacetLink(
                    str(label),
                    _search_url(params, {"audience": value, "theme": ""}),
                    value == audience,
                )
                for value, label in Audience.choices
            ],
            "type_facets": [
                FacetLink(
                    t.name, _search_url(params, {"type": t.code}), t.code == params.get("type")
                )
                for t in ItemType.objects.all()
            ],
            "theme_facets": [
                FacetLink(
                    t.name, _search_url(params, {"theme": t.key}), t.key == params.get("theme")
                )
                for t in themes
            ],
            "query_max_length": QUERY_MAX_LENGTH,
        },
    )


# ---------------------------------------------------------------------------- guide


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Question:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class HandlingGuide:
    """One handling item with its published version and what the template derives from it."""

    item: HandlingItem
    version: ItemVersion
    anchor: str
    steps: list[Step]
    faq: list[Question]
    delivery_methods: list[str]
    address: str
    office_hours: str
    materials: list[MaterialRequirement]


def _label(choices: type[DeliveryMethod], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _handling_guide(item: HandlingItem, implementation: Implementation) -> HandlingGuide:
    version: ItemVersion = item.published[0]  # type: ignore[attr-defined]
    department = implementation.department
    return HandlingGuide(
        item=item,
        version=version,
        anchor=f"item-{item.handling_code}",
        steps=[
            Step(str(step.get("name", "")), str(step.get("description", "")))
            for step in version.process_steps
            if isinstance(step, dict)
        ],
        faq=[
            Question(str(entry.get("question", "")), str(entry.get("answer", "")))
            for entry in version.faq
            if isinstance(entry, dict)
        ],
        delivery_methods=[_label(DeliveryMethod, method) for method in version.delivery_methods],
        address=version.address or department.hall_address,
        office_hours=version.office_hours or department.office_hours,
        materials=list(version.materials.all()),
    )


def _guide_context(implementation_code: str) -> dict[str, Any] | None:
    """Everything the guide templates show, or ``None`` when nothing published has this code."""
    implementation = implementation_guide(implementation_code)
    if implementation is None:
        return None
    guides = [
        _handling_guide(item, implementation)
        for item in implementation.handling_items.all()
        if getattr(item, "published", None)
    ]
    if not guides:
        return None
    base = implementation.base_item
    service_objects = [
        str(label)
        for flag, label in (
            (base.for_persons, Audience.PERSON.label),
            (base.for_organizations, Audience.ORGANIZATION.label),
        )
        if flag
    ]
    return {
        "implementation": implementation,
        "base_item": base,
        "department": implementation.department,
        "entrusted_department": implementation.entrusted_department,
        "service_objects": service_objects,
        "themes": [theme.name for theme in base.themes.all()],
        "guides": guides,
    }


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/404.html", {"query_max_length": QUERY_MAX_LENGTH}, status=404)


@require_safe
def guide(request: HttpRequest, implementation_code: str) -> HttpResponse:
    """The full guide of an implementation in the unified template (cached per revision)."""

    def build() -> HttpResponse:
        context = _guide_context(implementation_code)
        if context is None:
            return _not_found(request)
        context["apply_links"] = True
        return render(request, "portal/guide.html", context)

    return cached_page("guide", f"{request.get_host()}|{implementation_code}", build)


@require_safe
def guide_print(request: HttpRequest, implementation_code: str) -> HttpResponse:
    """The same guide on a page of its own, with the print stylesheet and no navigation."""
    context = _guide_context(implementation_code)
    if context is None:
        return _not_found(request)
    context["guide_url"] = request.build_absolute_uri(
        reverse("portal:guide", args=[context["implementation"].implementation_code])
    )
    return render(request, "portal/guide_print.html", context)


@require_safe
def guide_pdf(request: HttpRequest, implementation_code: str) -> HttpResponse:
    """The print page rendered to PDF with its CJK fonts embedded, as a download."""
    context = _guide_context(implementation_code)
    if context is None:
        return _not_found(request)
    implementation: Implementation = context["implementation"]
    context["guide_url"] = request.build_absolute_uri(
        reverse("portal:guide", args=[implementation.implementation_code])
    )
    context["for_pdf"] = True
    versions = [
        str(item.published[0].uuid)  # type: ignore[attr-defined]
        for item in implementation.handling_items.all()
        if getattr(item, "published", None)
    ]
    # Rendering takes about a second; published versions never change, so the PDF of the
    # same versions, language and day (it prints the date) is reused.
    cache_key = "guide-pdf:" + sm3_hex(
        "|".join(
            [implementation_code, get_language() or "", str(timezone.localdate()), *versions]
        ).encode()
    )
    pdf = cache.get(cache_key)
    if pdf is None:
        html = render_to_string("portal/guide_print.html", context, request=request)
        pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
        cache.set(cache_key, pdf, timeout=PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _attachment(
        f"{implementation.implementation_code}.pdf", f"{implementation.name}.pdf"
    )
    return response


# ---------------------------------------------------------------------------- files


@require_safe
def material_file(request: HttpRequest, material_uuid: uuid.UUID, kind: str) -> FileResponse:
    """Download a material's blank form or filled sample, only from a published version.

    Drafts may hold forms nobody approved, so anything outside a published version of an
    active item is a 404, not a 403: the public must not learn that it exists. Files are
    always attachments with ``nosniff`` and a sandboxing CSP, so an uploaded file can never
    run as a page of this site.
    """
    field_name = MATERIAL_FIELDS.get(kind)
    if field_name is None:
        raise Http404
    material = published_material(material_uuid)
    if material is None:
        raise Http404
    stored = getattr(material, field_name)
    if not stored:
        raise Http404
    suffix = PurePosixPath(stored.name).suffix.lower().lstrip(".")
    extension = suffix if _EXTENSION.match(suffix) else "bin"
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=MATERIAL_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    display = (
        str(_("%(name)s (sample)")) % {"name": material.name} if kind == "sample" else material.name
    )
    response["Content-Disposition"] = _attachment(
        f"{kind}-{material.uuid.hex[:8]}.{extension}", f"{display}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---------------------------------------------------------------------------- intermediaries
#
# Article 13 of the work plan: the intermediary service list (中介服务事项清单) and the
# agency directory (中介服务机构名录) are published centrally. The expert pool is not:
# experts are private persons, so nothing here reads ``Expert``.


@dataclass(frozen=True, slots=True)
class RegionOption:
    """One entry of the agency directory's region menu."""

    code: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class RegionGroup:
    """A prefecture and its counties, shown as one ``<optgroup>``."""

    label: str
    options: list[RegionOption]


def _region_groups(selected: Region | None) -> list[RegionGroup]:
    """The province, then each prefecture followed by its counties, for a ``<select>``."""
    province = _province()
    if province is None:
        return []
    chosen = selected.code if selected else ""

    def option(region: Region, label: str) -> RegionOption:
        return RegionOption(region.code, label, region.code == chosen)

    whole_province = str(_("%(name)s (whole province)")) % {"name": province.name}
    groups = [RegionGroup(province.name, [option(province, whole_province)])]
    prefectures: dict[str, RegionGroup] = {}
    for region in Region.objects.filter(
        prefix__startswith=province.prefix,
        level__in=(RegionLevel.PREFECTURE, RegionLevel.COUNTY),
        is_current=True,
    ).order_by("code"):
        if region.level == RegionLevel.PREFECTURE:
            whole = str(_("%(name)s (whole prefecture)")) % {"name": region.name}
            prefectures[region.prefix] = RegionGroup(region.name, [option(region, whole)])
            groups.append(prefectures[region.prefix])
        elif group := prefectures.get(region.prefix[:4]):
            group.options.append(option(region, region.name))
    return groups


@require_safe
def intermediaries(request: HttpRequest) -> HttpResponse:
    """The intermediary service list: basis, fee basis, the items that need each, agencies."""
    return render(
        request,
        "portal/intermediaries.html",
        {"services": list(intermediary_services())},
    )


@require_safe
def intermediary(request: HttpRequest, code: str) -> HttpResponse:
    """One intermediary service and the agencies that offer it."""
    service = intermediary_service(code)
    if service is None:
        return render(
            request,
            "portal/intermediary_not_found.html",
            {"query_max_length": QUERY_MAX_LENGTH},
            status=404,
        )
    return render(
        request,
        "portal/intermediary.html",
        {
            "service": service,
            "agencies": list(agency_directory(service_code=service.code)),
            "today": timezone.localdate(),
        },
    )


@require_safe
def agencies(request: HttpRequest) -> HttpResponse:
    """The agency directory, filtered by service (``service``) and service area (``region``).

    As on the search page, a filter that names nothing known is reported and ignored.
    """
    service_code = request.GET.get("service", "").strip()[:QUERY_MAX_LENGTH]
    region_code = request.GET.get("region", "").strip()[:QUERY_MAX_LENGTH]
    services = list(IntermediaryService.objects.order_by("code").only("code", "name"))
    errors: list[str] = []
    service = next((s for s in services if s.code == service_code), None)
    if service_code and service is None:
        errors.append(
            str(_("There is no intermediary service “%(code)s”; that filter was ignored."))
            % {"code": _echo(service_code)}
        )
    region = None
    if region_code:
        if region_code.isdigit() and len(region_code) in REGION_CODE_LENGTHS:
            region = Region.objects.filter(code=region_code.ljust(12, "0")).first()
        if region is None:
            errors.append(
                str(_("There is no region with the code “%(code)s”; that filter was ignored."))
                % {"code": _echo(region_code)}
            )
    return render(
        request,
        "portal/agencies.html",
        {
            "agencies": list(
                agency_directory(
                    service_code=service.code if service else "",
                    region=region.prefix if region else "",
                )
            ),
            "services": services,
            "service": service,
            "region": region,
            "region_groups": _region_groups(region),
            "errors": errors,
            "filtered": service is not None or region is not None,
            "today": timezone.localdate(),
        },
    )
