#!/usr/bin/env python3
"""Validate the demo catalogue data (service items, departments, themes, intermediaries).

A developer tool, not part of the application: it loads every YAML file in this folder,
checks the rules the catalogue must follow (codes, time limits, materials, blank forms,
identifiers, references) and prints counts. Exit status 0 when every rule holds, 1 otherwise.

Run from the repository root::

    .venv/bin/python src/govhall/demo/data/catalog/check_demo_data.py
"""

from __future__ import annotations

import csv
import datetime
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

CATALOG_DIR = Path(__file__).resolve().parent
REGIONS_CSV = CATALOG_DIR.parents[2] / "core" / "data" / "regions" / "guizhou.csv"

ITEM_TYPES = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "20": "其他行政权力",
    "21": "公共服务",
}
ITEM_LISTS = {
    "power",
    "responsibility",
    "investment_negative",
    "fiscal_fund",
    "intermediary",
    "public_service",
}
DOMAINS = (
    "enterprise_registration",
    "annual_report",
    "change_deregistration",
    "project_investment",
    "production_operation",
    "qualification",
    "tax",
    "work_safety",
    "education",
    "medical_care",
    "household_registration",
    "social_security",
    "employment",
    "housing_security",
    "village",
)
LEVELS = ("province", "prefecture", "county", "township")
NATURES = {"statutory", "authorized", "entrusted"}
POWER_SOURCES = {"statutory", "delegated", "entrusted"}
SERVICE_OBJECTS = {"person", "organization"}
HANDLING_KINDS = {"new", "change", "renew", "cancel", "other"}
CASE_KINDS = {"instant", "promised"}
ONLINE_HANDLING = {"full", "prereview", "none"}
RESULT_KINDS = {"license", "approval_document", "other"}
DELIVERY_METHODS = {"window", "mail", "electronic"}
MATERIAL_FORMS = {"original", "copy", "electronic"}
MATERIAL_SOURCES = {"applicant", "issuing_agency", "shared_data"}
MATERIAL_KEYS = {
    "name": str,
    "legal_basis": str,
    "form": str,
    "count": int,
    "paper_size": str,
    "signature_required": bool,
    "seal_required": bool,
    "source": str,
    "waivable_if_verified_online": bool,
    "required": bool,
    "essential": bool,
    "note": str,
}
GUIDE_KEYS = (
    "case_kind",
    "legal_limit_days",
    "legal_limit_note",
    "promised_limit_days",
    "promised_limit_note",
    "promised_waiver_reason",
    "conditions",
    "process",
    "visits",
    "online_handling",
    "fee",
    "result_name",
    "result_kind",
    "delivery_methods",
    "consultation",
    "supervision",
    "special_procedures",
    "faq",
    "materials",
)
ITEM_KEYS = (
    "base_code",
    "name",
    "item_type",
    "item_list",
    "competent_department",
    "authority_nature",
    "legal_basis",
    "power_source",
    "service_objects",
    "themes",
    "synonyms",
    "domain",
    "handling_items",
    "implementations",
)
DEPARTMENT_KEYS = (
    "key",
    "name",
    "short_name",
    "credit_code",
    "region",
    "level",
    "nature",
    "parent",
    "hall_address",
    "office_hours",
    "phone",
    "supervision_phone",
)
MIN_BASE_ITEMS = 45
MIN_IMPLEMENTATIONS = 85
MIN_ITEMS_WITH_SYNONYMS = 15
MIN_BLANK_FORMS = 25
MAX_WAIVERS = 2
MAX_VISITS = 2

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0851-\d{8}$")
HOTLINE_RE = re.compile(r"^(0851-)?12345$")
BASE_CODE_RE = re.compile(r"^\d{12}$")
SERVICE_CODE_RE = re.compile(r"^ZJ52-\d{3}$")
RIC_TOKEN_RE = re.compile(r"(?<![0-9A-Z])\d{17}[\dX](?![0-9A-Z])")
USCC_TOKEN_RE = re.compile(r"(?<![0-9A-Z])[1-9Y][0-9]\d{6}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Z])")
ID_FIELD_HINTS = ("公民身份号码", "身份证号")
USCC_FIELD_HINTS = ("统一社会信用代码",)
PHONE_FIELD_HINTS = ("电话", "手机")
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class Report:
    """Collects rule violations with the place where they were found."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def require(self, condition: bool, where: str, message: str) -> bool:
        if not condition:
            self.error(where, message)
        return condition


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise SystemExit(f"{path.name}: top level must be a mapping")
    return data


def load_township_regions() -> dict[str, tuple[str, str]]:
    """Return code -> (name, level) for every row of the Guizhou region table."""
    rows: dict[str, tuple[str, str]] = {}
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["code"]] = (row["name"], row["level"])
    return rows


def current_region_name(code: str) -> str | None:
    """Name of a current 6-digit GB/T 2260 division in python-stdnum's loc.dat."""
    if len(code) != 6 or not code.isdigit():
        return None
    results = numdb.get("cn/loc").info(code)
    props: dict[str, str] = {}
    for _part, part_props in results:
        props.update(part_props)
    county = props.get("county")
    if county is None:
        return None
    for entry in county.split(","):
        if not entry.startswith("["):
            return entry
        span, name = entry[1:].split("]", 1)
        _start, end = span.split("-")
        if not end:
            return name
    return None


def region_level(code: str) -> str:
    if len(code) == 12:
        return "township"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def org_code_valid(code: str) -> bool:
    """GB 11714 organisation code: 8 characters and a check character."""
    if len(code) != 9 or not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code):
        return False
    total = sum(
        (int(char) if char.isdigit() else ord(char) - 55) * weight
        for char, weight in zip(code[:8], ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    expected = "X" if check == 10 else "0" if check == 11 else str(check)
    return code[8] == expected


def check_uscc(report: Report, where: str, code: Any, first: str, seconds: str) -> bool:
    if not isinstance(code, str):
        report.error(where, "credit code must be a string")
        return False
    try:
        uscc.validate(code)
    except ValidationError as exc:
        report.error(where, f"credit code {code} invalid ({exc.__class__.__name__})")
        return False
    ok = report.require(code[0] == first, where, f"credit code {code} must start with {first}")
    ok &= report.require(code[1] in seconds, where, f"credit code {code}: kind not in {seconds}")
    ok &= report.require(
        current_region_name(code[2:8]) is not None and code[2:4] == "52",
        where,
        f"credit code {code}: area {code[2:8]} is not a current Guizhou division",
    )
    ok &= report.require(
        org_code_valid(code[8:17]), where, f"credit code {code}: GB 11714 check fails"
    )
    return ok


def check_phone(report: Report, where: str, value: Any) -> None:
    report.require(
        isinstance(value, str) and bool(MOBILE_RE.match(value) or LANDLINE_RE.match(value)),
        where,
        f"phone {value!r} is neither an 11-digit mobile nor a 0851-xxxxxxxx landline",
    )


def check_resident_id(report: Report, where: str, value: str) -> None:
    try:
        ric.validate(value)
    except ValidationError as exc:
        report.error(where, f"resident ID {value} invalid ({exc.__class__.__name__})")
        return
    report.require(value.startswith("52"), where, f"resident ID {value} is not from Guizhou")


def check_departments(
    report: Report, departments: list[dict[str, Any]], townships: Mapping[str, tuple[str, str]]
) -> dict[str, dict[str, Any]]:
    by_key: dict[str, dict[str, Any]] = {}
    codes: Counter[str] = Counter()
    org_codes: Counter[str] = Counter()
    for index, dept in enumerate(departments):
        where = f"departments[{index}] {dept.get('key')}"
        missing = [key for key in DEPARTMENT_KEYS if key not in dept]
        if not report.require(not missing, where, f"missing keys {missing}"):
            continue
        key = dept["key"]
        report.require(key not in by_key, where, "duplicate key")
        by_key[key] = dept
        region = str(dept["region"])
        level = dept["level"]
        report.require(level in LEVELS, where, f"level {level} unknown")
        report.require(dept["nature"] in NATURES, where, f"nature {dept['nature']} unknown")
        report.require(
            region_level(region) == level, where, f"region {region} does not fit level {level}"
        )
        if level == "township":
            report.require(
                townships.get(region, ("", ""))[1] == "township",
                where,
                f"township region {region} not in {REGIONS_CSV.name}",
            )
        else:
            report.require(
                current_region_name(region) is not None,
                where,
                f"region {region} not a current GB/T 2260 code",
            )
        code = dept["credit_code"]
        kind = "1" if dept["nature"] == "statutory" else "12"
        if check_uscc(report, where, code, "1", kind):
            report.require(
                code[2:8] == region[:6], where, f"credit code area {code[2:8]} != region {region}"
            )
            codes[code] += 1
            org_codes[code[8:17]] += 1
        check_phone(report, where + " phone", dept["phone"])
        report.require(
            isinstance(dept["supervision_phone"], str)
            and bool(
                HOTLINE_RE.match(dept["supervision_phone"])
                or LANDLINE_RE.match(dept["supervision_phone"])
            ),
            where,
            "supervision_phone must be the 12345 hotline or a 0851 landline",
        )
        for text_key in ("name", "short_name", "hall_address", "office_hours"):
            report.require(
                isinstance(dept[text_key], str) and dept[text_key].strip() != "",
                where,
                f"{text_key} empty",
            )
    for dept in departments:
        parent = dept.get("parent")
        if parent is not None:
            report.require(
                parent in by_key, f"department {dept.get('key')}", f"parent {parent} unknown"
            )
    for code, count in codes.items():
        report.require(count == 1, "departments", f"credit code {code} used {count} times")
    for code, count in org_codes.items():
        report.require(count == 1, "departments", f"organisation code {code} used {count} times")
    return by_key


def check_themes(report: Report, themes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_key: dict[str, dict[str, Any]] = {}
    for index, theme in enumerate(themes):
        where = f"themes[{index}] {theme.get('key')}"
        missing = [k for k in ("key", "audience", "name", "kind", "order") if k not in theme]
        if not report.require(not missing, where, f"missing keys {missing}"):
            continue
        report.require(theme["key"] not in by_key, where, "duplicate key")
        expected_kind = {"person": "life_event", "organization": "enterprise_stage"}.get(
            theme["audience"]
        )
        report.require(
            theme["kind"] == expected_kind,
            where,
            "kind does not fit audience (person/organization)",
        )
        by_key[theme["key"]] = theme
    return by_key


def check_sample_values(report: Report, where: str, sample: Mapping[str, Any]) -> None:
    for field, value in sample.items():
        text = str(value)
        place = f"{where} sample[{field}]"
        wants_id = any(hint in field for hint in ID_FIELD_HINTS)
        wants_uscc = any(hint in field for hint in USCC_FIELD_HINTS)
        if wants_id and wants_uscc:
            # A field for "ID number (or credit code)": either identifier is acceptable.
            if RIC_TOKEN_RE.fullmatch(text):
                check_resident_id(report, place, text)
            else:
                check_uscc(report, place, text, text[:1] or "9", USCC_ALPHABET)
        elif wants_id:
            check_resident_id(report, place, text)
        elif wants_uscc:
            check_uscc(report, place, text, text[:1] or "9", USCC_ALPHABET)
        if any(hint in field for hint in PHONE_FIELD_HINTS):
            check_phone(report, place, text)
        if wants_id or wants_uscc:
            continue
        for token in RIC_TOKEN_RE.findall(text):
            check_resident_id(report, place, token)
        for token in USCC_TOKEN_RE.findall(text):
            if not RIC_TOKEN_RE.fullmatch(token):
                check_uscc(report, place, token, token[0], USCC_ALPHABET)


def check_material(report: Report, where: str, material: Mapping[str, Any]) -> bool:
    """Check one material; return True when it carries a blank form."""
    for key, expected in MATERIAL_KEYS.items():
        value = material.get(key, None)
        if key not in material:
            report.error(where, f"material key {key} missing")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            report.error(where, f"material key {key} must be {expected.__name__}")
    report.require(str(material.get("name", "")).strip() != "", where, "material name empty")
    report.require(
        str(material.get("legal_basis", "")).strip() != "", where, "material legal_basis empty"
    )
    report.require(material.get("form") in MATERIAL_FORMS, where, "material form unknown")
    report.require(material.get("source") in MATERIAL_SOURCES, where, "material source unknown")
    report.require(
        isinstance(material.get("count"), int) and material.get("count", 0) >= 1,
        where,
        "material count must be >= 1",
    )
    extra = set(material) - set(MATERIAL_KEYS) - {"blank_form", "license_type_code"}
    report.require(not extra, where, f"unknown material keys {sorted(extra)}")
    if "license_type_code" in material:
        type_code = str(material["license_type_code"])
        report.require(
            len(type_code) == 21 and uscc.is_valid(type_code[:18]) and type_code[18:].isdigit(),
            where,
            f"license_type_code {type_code} is not a credit code and 3 digits",
        )
    form = material.get("blank_form")
    if form is None:
        return False
    title = form.get("title") if isinstance(form, dict) else None
    fields = form.get("fields") if isinstance(form, dict) else None
    sample = form.get("sample") if isinstance(form, dict) else None
    if not (isinstance(title, str) and isinstance(fields, list) and isinstance(sample, dict)):
        report.error(where, "blank_form needs title, fields (list) and sample (mapping)")
        return False
    report.require(
        bool(fields) and len(fields) == len(set(fields)),
        where,
        "blank_form fields must be a non-empty list without duplicates",
    )
    report.require(
        set(sample) == set(fields),
        where,
        f"sample keys differ from fields: missing {sorted(set(fields) - set(sample))}, "
        f"extra {sorted(set(sample) - set(fields))}",
    )
    for field in fields:
        value = sample.get(field)
        report.require(
            value is not None and str(value).strip() != "",
            where,
            f"sample value for {field} empty",
        )
    check_sample_values(report, where + " blank_form", sample)
    return True


def check_guide(report: Report, where: str, guide: Mapping[str, Any]) -> tuple[int, int, bool]:
    """Check a guide; return (blank forms, materials, uses a waiver)."""
    missing = [key for key in GUIDE_KEYS if key not in guide]
    if not report.require(not missing, where, f"guide missing keys {missing}"):
        return 0, 0, False
    case_kind = guide["case_kind"]
    legal = guide["legal_limit_days"]
    promised = guide["promised_limit_days"]
    waiver = guide["promised_waiver_reason"]
    report.require(case_kind in CASE_KINDS, where, f"case_kind {case_kind} unknown")
    report.require(
        isinstance(legal, int) and legal >= 1, where, "legal_limit_days must be an int >= 1"
    )
    report.require(isinstance(promised, int) and promised >= 0, where, "promised_limit_days int")
    if case_kind == "instant":
        report.require(promised == 0, where, "instant items must promise 0 days (当场办结)")
    else:
        report.require(
            isinstance(promised, int) and promised >= 1, where, "promised items need >= 1 day"
        )
    has_waiver = isinstance(waiver, str) and waiver.strip() != ""
    if isinstance(legal, int) and isinstance(promised, int) and not has_waiver:
        report.require(
            promised <= legal * 0.5,
            where,
            f"promised {promised} > 50% of legal {legal} without promised_waiver_reason",
        )
    report.require(waiver is None or has_waiver, where, "promised_waiver_reason empty string")
    for text_key in (
        "legal_limit_note",
        "promised_limit_note",
        "conditions",
        "result_name",
        "consultation",
        "supervision",
    ):
        report.require(
            isinstance(guide[text_key], str) and guide[text_key].strip() != "",
            where,
            f"{text_key} empty",
        )
    visits = guide["visits"]
    report.require(
        isinstance(visits, int) and 0 <= visits <= MAX_VISITS, where, f"visits {visits} not 0..2"
    )
    report.require(guide["online_handling"] in ONLINE_HANDLING, where, "online_handling unknown")
    report.require(guide["result_kind"] in RESULT_KINDS, where, "result_kind unknown")
    methods = guide["delivery_methods"]
    report.require(
        isinstance(methods, list) and bool(methods) and set(methods) <= DELIVERY_METHODS,
        where,
        f"delivery_methods {methods} invalid",
    )
    fee = guide["fee"]
    if report.require(
        isinstance(fee, dict) and {"charged", "basis", "standard"} <= set(fee),
        where,
        "fee needs charged, basis, standard",
    ):
        report.require(isinstance(fee["charged"], bool), where, "fee.charged must be bool")
        if fee["charged"]:
            report.require(
                bool(fee["basis"]) and bool(fee["standard"]),
                where,
                "charged fee needs basis and standard",
            )
    process = guide["process"]
    report.require(
        isinstance(process, list)
        and len(process) >= 3
        and all(
            isinstance(step, dict) and step.get("name") and step.get("description")
            for step in process
        ),
        where,
        "process needs >= 3 steps with name and description",
    )
    faq = guide["faq"]
    report.require(
        isinstance(faq, list)
        and len(faq) >= 1
        and all(
            isinstance(entry, dict) and entry.get("question") and entry.get("answer")
            for entry in faq
        ),
        where,
        "faq needs >= 1 question/answer",
    )
    procedures = guide["special_procedures"]
    if report.require(isinstance(procedures, list), where, "special_procedures must be a list"):
        for proc in procedures:
            report.require(
                isinstance(proc, dict)
                and isinstance(proc.get("name"), str)
                and isinstance(proc.get("days"), int)
                and isinstance(proc.get("legal_basis"), str)
                and isinstance(proc.get("fee"), str)
                and isinstance(proc.get("counted_in_limit"), bool),
                where,
                f"special procedure {proc} incomplete",
            )
    materials = guide["materials"]
    if not report.require(
        isinstance(materials, list) and len(materials) >= 2, where, "needs >= 2 materials"
    ):
        return 0, 0, has_waiver
    forms = 0
    for index, material in enumerate(materials):
        if check_material(report, f"{where} materials[{index}] {material.get('name')}", material):
            forms += 1
    return forms, len(materials), has_waiver


def check_items(
    report: Report,
    files: Mapping[str, list[dict[str, Any]]],
    departments: Mapping[str, dict[str, Any]],
    themes: Mapping[str, dict[str, Any]],
    townships: Mapping[str, tuple[str, str]],
) -> dict[str, Any]:
    base_codes: set[str] = set()
    stats: dict[str, Any] = {
        "items": 0,
        "implementations": 0,
        "handling_items": 0,
        "materials": 0,
        "blank_forms": 0,
        "waivers": 0,
        "with_synonyms": 0,
        "per_domain": Counter(),
        "impl_per_domain": Counter(),
        "per_level": Counter(),
        "per_file": {},
        "per_type": Counter(),
        "themes_used": Counter(),
        "departments_used": set(),
        "base_codes": base_codes,
    }
    synonyms_by_name: dict[str, list[str]] = {}
    for file_name, items in files.items():
        file_items = 0
        file_impls = 0
        for index, item in enumerate(items):
            where = f"{file_name} items[{index}] {item.get('name')}"
            missing = [key for key in ITEM_KEYS if key not in item]
            if not report.require(not missing, where, f"missing keys {missing}"):
                continue
            file_items += 1
            code = str(item["base_code"])
            report.require(bool(BASE_CODE_RE.match(code)), where, f"base_code {code} not 12 digits")
            report.require(code[:2] in {"00", "52"}, where, f"base_code origin {code[:2]}")
            report.require(
                code[2:4] == item["item_type"], where, "base_code positions 3-4 != item_type"
            )
            report.require(code not in base_codes, where, f"base_code {code} duplicate")
            base_codes.add(code)
            report.require(item["item_type"] in ITEM_TYPES, where, "item_type unknown")
            report.require(item["item_list"] in ITEM_LISTS, where, "item_list unknown")
            report.require(item["authority_nature"] in NATURES, where, "authority_nature unknown")
            report.require(item["power_source"] in POWER_SOURCES, where, "power_source unknown")
            report.require(item["domain"] in DOMAINS, where, f"domain {item['domain']} unknown")
            report.require(
                isinstance(item["legal_basis"], str) and "《" in item["legal_basis"],
                where,
                "legal_basis must cite a law",
            )
            objects = item["service_objects"]
            report.require(
                isinstance(objects, list) and bool(objects) and set(objects) <= SERVICE_OBJECTS,
                where,
                "service_objects invalid",
            )
            for theme in item["themes"]:
                if report.require(theme in themes, where, f"theme {theme} unknown"):
                    stats["themes_used"][theme] += 1
                    report.require(
                        themes[theme]["audience"] in objects,
                        where,
                        f"theme {theme} is for {themes[theme]['audience']}",
                    )
            synonyms = item["synonyms"]
            report.require(isinstance(synonyms, list), where, "synonyms must be a list")
            if synonyms:
                stats["with_synonyms"] += 1
            synonyms_by_name[item["name"]] = list(synonyms)
            stats["per_domain"][item["domain"]] += 1
            stats["per_type"][item["item_type"]] += 1
            stats["items"] += 1
            handling = item["handling_items"]
            if not report.require(
                isinstance(handling, list) and bool(handling), where, "no handling items"
            ):
                continue
            limits: list[tuple[int, bool]] = []
            for h_index, handling_item in enumerate(handling):
                h_where = f"{where} handling[{h_index}] {handling_item.get('name')}"
                report.require(
                    handling_item.get("kind") in HANDLING_KINDS, h_where, "handling kind unknown"
                )
                guide = handling_item.get("guide")
                if not report.require(isinstance(guide, dict), h_where, "guide missing"):
                    continue
                forms, materials, waiver = check_guide(report, h_where, guide)
                stats["blank_forms"] += forms
                stats["materials"] += materials
                stats["waivers"] += int(waiver)
                stats["handling_items"] += 1
                if isinstance(guide.get("legal_limit_days"), int):
                    limits.append((guide["legal_limit_days"], waiver))
            impls = item["implementations"]
            if not report.require(
                isinstance(impls, list) and bool(impls), where, "no implementations"
            ):
                continue
            seen_departments: set[str] = set()
            for i_index, impl in enumerate(impls):
                i_where = f"{where} implementations[{i_index}] {impl.get('department')}"
                dept_key = impl.get("department")
                report.require(dept_key not in seen_departments, i_where, "duplicate department")
                seen_departments.add(str(dept_key))
                dept = departments.get(str(dept_key))
                if dept is None:
                    report.error(i_where, "department unknown")
                    continue
                stats["departments_used"].add(dept_key)
                region = str(impl.get("region"))
                level = impl.get("level")
                report.require(level in LEVELS, i_where, f"level {level} unknown")
                report.require(level == dept["level"], i_where, "level differs from department's")
                report.require(
                    region == dept["region"], i_where, "region differs from department's"
                )
                if level == "township":
                    report.require(
                        len(region) == 12 and townships.get(region, ("", ""))[1] == "township",
                        i_where,
                        "township implementation needs a 12-digit township code",
                    )
                else:
                    report.require(
                        len(region) == 6 and current_region_name(region) is not None,
                        i_where,
                        "region must be a current 6-digit code",
                    )
                override = impl.get("promised_limit_days")
                if override is not None:
                    for legal, waiver in limits:
                        report.require(
                            waiver or override <= legal * 0.5,
                            i_where,
                            "promised_limit_days override > 50% of legal limit",
                        )
                extra = set(impl) - {
                    "department",
                    "level",
                    "region",
                    "promised_limit_days",
                    "address_note",
                }
                report.require(not extra, i_where, f"unknown keys {sorted(extra)}")
                stats["implementations"] += 1
                stats["per_level"][level] += 1
                stats["impl_per_domain"][item["domain"]] += 1
                file_impls += 1
        stats["per_file"][file_name] = (file_items, file_impls)
    for needle, synonym in (("社会保障卡", "社保卡"), ("最低生活保障", "低保")):
        report.require(
            any(needle in name and synonym in syns for name, syns in synonyms_by_name.items()),
            "synonyms",
            f"an item named with {needle} must have the synonym {synonym}",
        )
    return stats


def check_intermediaries(
    report: Report,
    data: Mapping[str, Any],
    base_codes: set[str],
    departments: Mapping[str, dict[str, Any]],
    townships: Mapping[str, tuple[str, str]],
) -> Counter[str]:
    counts: Counter[str] = Counter()
    services = data.get("intermediary_services") or []
    service_codes: set[str] = set()
    for index, service in enumerate(services):
        where = f"intermediary_services[{index}] {service.get('code')}"
        code = str(service.get("code"))
        report.require(bool(SERVICE_CODE_RE.match(code)), where, "code must look like ZJ52-001")
        report.require(code not in service_codes, where, "duplicate code")
        service_codes.add(code)
        for key in ("name", "legal_basis", "fee_basis"):
            report.require(bool(service.get(key)), where, f"{key} empty")
        report.require(isinstance(service.get("mandatory"), bool), where, "mandatory must be bool")
        required_by = service.get("required_by") or []
        report.require(bool(required_by), where, "required_by empty")
        for base_code in required_by:
            report.require(base_code in base_codes, where, f"required_by {base_code} unknown")
        counts["services"] += 1
    agency_codes: set[str] = set()
    for index, agency in enumerate(data.get("agencies") or []):
        where = f"agencies[{index}] {agency.get('name')}"
        code = agency.get("credit_code")
        check_uscc(report, where, code, "9", "1")
        report.require(code not in agency_codes, where, "duplicate credit code")
        agency_codes.add(str(code))
        for key in ("name", "fee_standard", "address"):
            report.require(bool(agency.get(key)), where, f"{key} empty")
        for service in agency.get("services") or []:
            report.require(service in service_codes, where, f"service {service} unknown")
        report.require(bool(agency.get("services")), where, "services empty")
        for qual in agency.get("qualifications") or []:
            ok = isinstance(qual, dict) and all(
                isinstance(qual.get(k), str) and qual.get(k)
                for k in ("name", "number", "issued_by", "valid_until")
            )
            if report.require(ok, where, f"qualification {qual} incomplete"):
                try:
                    datetime.date.fromisoformat(qual["valid_until"])
                except ValueError:
                    report.error(where, f"valid_until {qual['valid_until']} not a date")
        for region in agency.get("service_regions") or []:
            report.require(
                current_region_name(str(region)) is not None or str(region) in townships,
                where,
                f"service region {region} unknown",
            )
        check_phone(report, where + " contact_phone", agency.get("contact_phone"))
        counts["agencies"] += 1
    for index, expert in enumerate(data.get("experts") or []):
        where = f"experts[{index}] {expert.get('name')}"
        for key in ("name", "title", "employer"):
            report.require(bool(expert.get(key)), where, f"{key} empty")
        report.require(bool(expert.get("specialties")), where, "specialties empty")
        report.require(
            current_region_name(str(expert.get("region"))) is not None,
            where,
            "region unknown",
        )
        for dept in expert.get("departments") or []:
            report.require(dept in departments, where, f"department {dept} unknown")
        counts["experts"] += 1
    return counts


def check_forms(report: Report, forms: Mapping[str, Any], base_codes: set[str]) -> None:
    """Application forms (forms.yaml): each names a base item of the catalogue; field names
    are unique identifiers with a Chinese and an English label."""
    for code, form in forms.items():
        where = f"forms.yaml {code}"
        report.require(str(code) in base_codes, where, "no base item with this code")
        fields = form.get("fields") if isinstance(form, dict) else None
        if not report.require(isinstance(fields, list) and bool(fields), where, "no fields"):
            continue
        names = [f.get("name") for f in fields]
        report.require(len(names) == len(set(names)), where, "duplicate field names")
        for entry in fields:
            name = str(entry.get("name"))
            report.require(
                bool(re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name)), where, f"field name {name}"
            )
            report.require(
                bool(entry.get("label")) and bool(entry.get("label_en")),
                where,
                f"field {name} needs label and label_en",
            )


def print_counter(title: str, counter: Mapping[str, int], order: Iterable[str]) -> None:
    print(title)
    for key in order:
        print(f"  {key:<26}{counter.get(key, 0):>5}")


def main() -> int:
    report = Report()
    townships = load_township_regions()
    departments_data = load_yaml(CATALOG_DIR / "departments.yaml")["departments"]
    themes_data = load_yaml(CATALOG_DIR / "themes.yaml")["themes"]
    intermediaries = load_yaml(CATALOG_DIR / "intermediaries.yaml")
    item_files = {
        path.name: load_yaml(path)["items"] for path in sorted(CATALOG_DIR.glob("items_*.yaml"))
    }
    departments = check_departments(report, departments_data, townships)
    themes = check_themes(report, themes_data)
    stats = check_items(report, item_files, departments, themes, townships)
    intermediary_counts = check_intermediaries(
        report, intermediaries, stats["base_codes"], departments, townships
    )
    check_forms(report, load_yaml(CATALOG_DIR / "forms.yaml")["forms"], stats["base_codes"])

    report.require(stats["items"] >= MIN_BASE_ITEMS, "totals", f"only {stats['items']} base items")
    report.require(
        stats["implementations"] >= MIN_IMPLEMENTATIONS,
        "totals",
        f"only {stats['implementations']} implementations",
    )
    for domain in DOMAINS:
        report.require(stats["per_domain"][domain] > 0, "totals", f"domain {domain} not covered")
    for theme in themes:
        report.require(stats["themes_used"][theme] > 0, "totals", f"theme {theme} never used")
    report.require(
        stats["with_synonyms"] >= MIN_ITEMS_WITH_SYNONYMS,
        "totals",
        f"only {stats['with_synonyms']} items have synonyms",
    )
    report.require(
        stats["blank_forms"] >= MIN_BLANK_FORMS,
        "totals",
        f"only {stats['blank_forms']} materials with a blank form",
    )
    report.require(
        stats["waivers"] <= MAX_WAIVERS, "totals", f"{stats['waivers']} promised-limit waivers"
    )
    for level in LEVELS:
        report.require(stats["per_level"][level] > 0, "totals", f"no {level} implementation")

    print("govhall demo catalogue")
    print(f"  departments               {len(departments):>5}")
    print(f"    used by implementations {len(stats['departments_used']):>5}")
    print(f"  themes                    {len(themes):>5}")
    print(f"  base items                {stats['items']:>5}")
    print(f"  implementations           {stats['implementations']:>5}")
    print(f"  handling items (guides)   {stats['handling_items']:>5}")
    print(f"  materials                 {stats['materials']:>5}")
    print(f"    with a blank form       {stats['blank_forms']:>5}")
    print(f"  items with synonyms       {stats['with_synonyms']:>5}")
    print(f"  promised-limit waivers    {stats['waivers']:>5}")
    print(f"  intermediary services     {intermediary_counts['services']:>5}")
    print(f"  intermediary agencies     {intermediary_counts['agencies']:>5}")
    print(f"  experts                   {intermediary_counts['experts']:>5}")
    print("per domain (base items / implementations)")
    for domain in DOMAINS:
        print(
            f"  {domain:<26}{stats['per_domain'][domain]:>5}{stats['impl_per_domain'][domain]:>6}"
        )
    print_counter("implementations per level", stats["per_level"], LEVELS)
    print_counter(
        "base items per item type",
        {f"{code} {ITEM_TYPES[code]}": n for code, n in stats["per_type"].items()},
        [f"{code} {name}" for code, name in ITEM_TYPES.items()],
    )
    print("per file (base items / implementations)")
    for name, (n_items, n_impls) in stats["per_file"].items():
        print(f"  {name:<26}{n_items:>5}{n_impls:>6}")
    if report.errors:
        print(f"\n{len(report.errors)} problem(s):")
        for error in report.errors:
            print(f"  - {error}")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
