"""Loading the Guizhou demo catalog from ``data/catalog/*.yaml``, idempotently.

Everything goes through the catalog services, so demo data obeys the same rules (codes,
time limits, uniform elements) and leaves the same audit trail as real data. Running the
loader twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
import functools
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from govhall.catalog.models import (
    Agency,
    AgencyQualification,
    BaseItem,
    Expert,
    HandlingItem,
    Implementation,
    IntermediaryService,
    ItemVersion,
    Publication,
    Theme,
    VersionState,
)
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    handling_item_create,
    implementation_create,
)
from govhall.catalog.services.publications import publication_create
from govhall.catalog.services.versions import (
    GuideInput,
    MaterialInput,
    ProcedureInput,
    item_version_create,
    item_version_publish,
    item_version_submit,
)
from govhall.core.calendar import calendar_seed
from govhall.core.documents import html_to_pdf
from govhall.core.models import Department, Region
from govhall.demo.cases_loader import demo_cases_load
from govhall.demo.identity_loader import demo_identity_load, demo_persons
from govhall.demo.licenses_loader import demo_licenses_load
from govhall.demo.rules_loader import demo_rules_load
from govhall.identity.roles import role_group, roles_sync

DATA_DIR = Path(__file__).resolve().parent / "data" / "catalog"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    password: str
    display_name: str
    role: str


#: Demo accounts, printed by ``make run``. Development only.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "govhall-admin-2026", "系统管理员", "superuser"),
    DemoAccount("catalog.province", "govhall-demo-2026", "省政务服务中心 目录管理员", "province"),
    DemoAccount("catalog.kaiyang", "govhall-demo-2026", "开阳县民政局 目录编辑", "county"),
)


@dataclass(slots=True)
class LoadReport:
    departments: int = 0
    base_items: int = 0
    implementations: int = 0
    versions: int = 0
    agencies: int = 0
    experts: int = 0
    notes: list[str] = field(default_factory=list)


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _region(code: str) -> Region:
    return Region.objects.get(code=code.ljust(12, "0"))


def blank_form_pdf(title: str, fields: list[str], values: dict[str, str] | None = None) -> bytes:
    """A printable form: one labelled row per field, filled in for the sample."""
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th>"
        f"<td>{html.escape(str((values or {}).get(name, '')))}</td></tr>"
        for name in fields
    )
    caption = "（示范文本）" if values else ""
    signer = "张三" if values else "＿＿＿＿＿＿"
    signed_on = "2026年11月20日" if values else "＿＿年＿＿月＿＿日"
    document = f"""<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<style>
@page {{ size: A4; margin: 20mm; }}
body {{ font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 11pt; }}
h1 {{ text-align: center; font-size: 18pt; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ border: 1px solid #000; padding: 8pt; text-align: left; vertical-align: top; }}
th {{ width: 32%; font-weight: normal; background: #f2f2f2; }}
td {{ height: 18pt; }}
.sign {{ margin-top: 24pt; }}
</style></head><body>
<h1>{html.escape(title)}{caption}</h1>
<table>{rows}</table>
<p class="sign">申请人（签名/盖章）：{signer}　　日期：{signed_on}</p>
</body></html>"""
    return html_to_pdf(document)


def _departments(report: LoadReport) -> dict[str, Department]:
    data = _read("departments.yaml")["departments"]
    by_key: dict[str, Department] = {}
    for entry in data:
        region = _region(entry["region"])
        department, created = Department.objects.update_or_create(
            credit_code=entry["credit_code"],
            defaults={
                "name": entry["name"],
                "short_name": entry.get("short_name", ""),
                "region": region,
                "level": entry["level"],
                "nature": entry.get("nature", "statutory"),
                "hall_address": entry.get("hall_address", ""),
                "office_hours": entry.get("office_hours", ""),
                "phone": str(entry.get("phone", "")),
                "supervision_phone": str(entry.get("supervision_phone", "")),
            },
        )
        report.departments += int(created)
        by_key[entry["key"]] = department
    for entry in data:
        if entry.get("parent"):
            child = by_key[entry["key"]]
            child.parent = by_key[entry["parent"]]
            child.save(update_fields=["parent"])
    return by_key


def _themes() -> None:
    for entry in _read("themes.yaml")["themes"]:
        Theme.objects.update_or_create(
            key=entry["key"],
            defaults={
                "name": entry["name"],
                "audience": entry["audience"],
                "order": entry.get("order", 0),
            },
        )


@functools.lru_cache(maxsize=512)
def _form_pdf(title: str, fields: tuple[str, ...], sample: tuple[tuple[str, str], ...]) -> bytes:
    """Rendering takes ~0.15 s; the same form serves every implementation of an item."""
    return blank_form_pdf(title, list(fields), dict(sample) if sample else None)


def _material(entry: dict[str, Any]) -> MaterialInput:
    blank = sample = None
    form = entry.get("blank_form")
    if form:
        title = form["title"]
        fields = tuple(form["fields"])
        blank = (f"{title}.pdf", _form_pdf(title, fields, ()))
        if form.get("sample"):
            values = tuple((str(key), str(value)) for key, value in form["sample"].items())
            sample = (f"{title}（示范文本）.pdf", _form_pdf(title, fields, values))
    return MaterialInput(
        name=entry["name"],
        legal_basis=entry.get("legal_basis", ""),
        form=entry["form"],
        count=int(entry.get("count", 1)),
        paper_size=entry.get("paper_size", "") or "",
        signature_required=bool(entry.get("signature_required")),
        seal_required=bool(entry.get("seal_required")),
        source=entry["source"],
        waivable_if_verified_online=bool(entry.get("waivable_if_verified_online")),
        is_required=bool(entry.get("required", True)),
        is_essential=bool(entry.get("essential", True)),
        note=entry.get("note", "") or "",
        license_type_code=entry.get("license_type_code", "") or "",
        blank_form=blank,
        sample_form=sample,
    )


def guide_input(guide: dict[str, Any], *, overrides: dict[str, Any] | None = None) -> GuideInput:
    """A ``GuideInput`` from the YAML guide mapping (also used by tests and the generator)."""
    fee = guide.get("fee") or {}
    values = {
        "case_kind": guide["case_kind"],
        "legal_limit_days": int(guide["legal_limit_days"]),
        "legal_limit_note": guide.get("legal_limit_note", "") or "",
        "promised_limit_days": int(guide["promised_limit_days"]),
        "promised_limit_note": guide.get("promised_limit_note", "") or "",
        "promised_waiver_reason": guide.get("promised_waiver_reason") or "",
        "conditions": guide["conditions"],
        "process_steps": [
            {"name": step["name"], "description": step.get("description", "")}
            for step in guide.get("process", [])
        ],
        "visits": int(guide.get("visits", 0)),
        "online_handling": guide.get("online_handling", "full"),
        "fee_charged": bool(fee.get("charged")),
        "fee_basis": fee.get("basis", "") or "",
        "fee_standard": fee.get("standard", "") or "",
        "result_name": guide.get("result_name", "") or "",
        "result_kind": guide.get("result_kind", "other"),
        "delivery_methods": list(guide.get("delivery_methods", [])),
        "consultation": guide.get("consultation", "") or "",
        "supervision": guide.get("supervision", "") or "",
        "service_commitment": guide.get("service_commitment", "") or "",
        "faq": [
            {"question": entry["question"], "answer": entry["answer"]}
            for entry in guide.get("faq", [])
        ],
    }
    values.update(overrides or {})
    return GuideInput(
        **values,
        materials=[_material(entry) for entry in guide.get("materials", [])],
        special_procedures=[
            ProcedureInput(
                name=entry["name"],
                days=int(entry.get("days", 0)),
                legal_basis=entry.get("legal_basis", "") or "",
                fee=entry.get("fee", "") or "",
                counted_in_limit=bool(entry.get("counted_in_limit")),
            )
            for entry in guide.get("special_procedures", [])
        ],
    )


@functools.cache
def _forms() -> dict[str, Any]:
    """The demo application forms by base item code (``forms.yaml``)."""
    forms: dict[str, Any] = _read("forms.yaml")["forms"]
    return forms


def _publish(*, actor: Any, handling_item: HandlingItem, guide: GuideInput) -> ItemVersion:
    version = item_version_create(actor=actor, handling_item=handling_item, guide=guide)
    item_version_submit(actor=actor, version=version)
    return item_version_publish(actor=actor, version=version)


def _items(report: LoadReport, departments: dict[str, Department], actor: Any) -> None:
    for path in sorted(DATA_DIR.glob("items_*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            _item(report, departments, actor, entry)


def _item(
    report: LoadReport, departments: dict[str, Department], actor: Any, entry: dict[str, Any]
) -> None:
    base = BaseItem.objects.filter(base_code=entry["base_code"]).first()
    if base is None:
        objects = entry.get("service_objects", [])
        base = base_item_create(
            actor=actor,
            data=BaseItemInput(
                base_code=entry["base_code"],
                name=entry["name"],
                item_type_code=str(entry["item_type"]),
                item_list=entry["item_list"],
                competent_department=entry["competent_department"],
                authority_nature=entry.get("authority_nature", "statutory"),
                legal_basis=entry["legal_basis"],
                domain=entry.get("domain", ""),
                for_persons="person" in objects,
                for_organizations="organization" in objects,
                synonyms=list(entry.get("synonyms", [])),
                theme_keys=list(entry.get("themes", [])),
            ),
        )
        report.base_items += 1
    for place in entry.get("implementations", []):
        department = departments.get(place["department"])
        if department is None:  # a partial load (demo_item_load) leaves this place out
            continue
        region = _region(str(place["region"]))
        implementation = Implementation.objects.filter(
            base_item=base, department=department, region=region
        ).first()
        if implementation is not None:
            continue
        with transaction.atomic():
            implementation = implementation_create(
                actor=actor,
                base_item=base,
                department=department,
                region=region,
                level=place["level"],
                power_source=entry.get("power_source", "statutory"),
            )
            report.implementations += 1
            for handling in entry["handling_items"]:
                item = handling_item_create(
                    actor=actor,
                    implementation=implementation,
                    kind=handling["kind"],
                    name=handling["name"],
                )
                overrides = {
                    key: place[key]
                    for key in ("promised_limit_days", "promised_waiver_reason")
                    if key in place
                }
                overrides["application_form"] = _forms().get(entry["base_code"], {})
                _publish(
                    actor=actor,
                    handling_item=item,
                    guide=guide_input(handling["guide"], overrides=overrides),
                )
                report.versions += 1


def demo_departments() -> dict[str, Department]:
    """The demo departments by their key in ``departments.yaml`` (loaded when missing)."""
    return _departments(LoadReport())


def demo_item_load(base_code: str, departments: dict[str, Department]) -> None:
    """One base item of the demo catalog, published only at its places whose department is
    in ``departments`` (what a test needs of the demo, without loading all of it)."""
    _themes()
    for path in sorted(DATA_DIR.glob("items_*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            if entry["base_code"] == base_code:
                _item(LoadReport(), departments, None, entry)
                return
    raise LookupError(base_code)


def _intermediaries(report: LoadReport, departments: dict[str, Department]) -> None:
    data = _read("intermediaries.yaml")
    services: dict[str, IntermediaryService] = {}
    for entry in data.get("intermediary_services", []):
        service, _created = IntermediaryService.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "legal_basis": entry.get("legal_basis", ""),
                "is_mandatory": bool(entry.get("mandatory", True)),
                "fee_basis": entry.get("fee_basis", "") or "",
            },
        )
        service.base_items.set(BaseItem.objects.filter(base_code__in=entry.get("required_by", [])))
        services[service.code] = service
    for entry in data.get("agencies", []):
        agency, created = Agency.objects.update_or_create(
            credit_code=entry["credit_code"],
            defaults={
                "name": entry["name"],
                "fee_standard": entry.get("fee_standard", "") or "",
                "phone": str(entry.get("contact_phone", "")),
                "address": entry.get("address", "") or "",
            },
        )
        report.agencies += int(created)
        agency.services.set(
            [services[code] for code in entry.get("services", []) if code in services]
        )
        agency.service_regions.set(
            [_region(str(code)) for code in entry.get("service_regions", [])]
        )
        if created:
            for qualification in entry.get("qualifications", []):
                AgencyQualification.objects.create(
                    agency=agency,
                    name=qualification["name"],
                    number=str(qualification["number"]),
                    issued_by=qualification["issued_by"],
                    valid_until=qualification.get("valid_until"),
                )
    for entry in data.get("experts", []):
        expert, created = Expert.objects.get_or_create(
            name=entry["name"],
            employer=entry["employer"],
            defaults={
                "title": entry["title"],
                "specialties": list(entry.get("specialties", [])),
                "region": _region(str(entry["region"])),
            },
        )
        report.experts += int(created)
        expert.departments.set(
            [departments[key] for key in entry.get("departments", []) if key in departments]
        )


def _accounts(departments: dict[str, Department]) -> None:
    user_model = get_user_model()
    roles_sync()
    editors = role_group("catalog_editor")
    reviewers = role_group("catalog_reviewer")
    county_department = next(
        (d for d in departments.values() if d.region.code == "520121000000" and "民政" in d.name),
        None,
    )
    for account in DEMO_ACCOUNTS:
        if user_model.objects.filter(username=account.username).exists():
            continue
        user = user_model(
            username=account.username, display_name=account.display_name, is_staff=True
        )
        if account.role == "superuser":
            user.is_superuser = True
        elif account.role == "province":
            user.region = _region("520000")
        else:
            user.region = _region("520121")
            user.department = county_department
        user.set_password(account.password)
        user.save()
        if account.role != "superuser":
            user.groups.add(editors)
        if account.role == "province":
            user.groups.add(reviewers)


def _publications(actor: Any) -> None:
    if Publication.objects.exists():
        return
    publication_create(
        actor=actor,
        title="贵州省政务服务事项目录（2026年12月集中公布）",
        kind="december",
        published_on=datetime.date(2026, 12, 1),
        note="按照“同一事项、同一名称、同一编码”要求统一公布。",
    )


def demo_load() -> LoadReport:
    """Load every demo file; safe to run again."""
    report = LoadReport()
    calendar_seed()
    departments = _departments(report)
    _themes()
    _items(report, departments, actor=None)
    _intermediaries(report, departments)
    _accounts(departments)
    report.notes.extend(demo_identity_load(departments))
    report.notes.extend(demo_licenses_load(departments))
    report.notes.extend(demo_cases_load(departments, {p.name: p.id_number for p in demo_persons()}))
    report.notes.extend(demo_rules_load(departments))
    _publications(actor=None)
    report.notes.append(
        f"{Implementation.objects.count()} implementation items, "
        f"{ItemVersion.objects.filter(state=VersionState.PUBLISHED).count()} published guides"
    )
    return report
