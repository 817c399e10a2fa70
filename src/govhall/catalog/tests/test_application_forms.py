"""Application forms: the definition is checked as a whole, the data field by field."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from govhall.catalog.application_forms import form_schema_errors, form_schema_parse
from govhall.core.errors import ValidationFailed

RESTAURANT: dict[str, Any] = {
    "fields": [
        {"name": "business_name", "type": "text", "label": "经营者名称", "required": True,
         "max_length": 10},
        {"name": "business_kind", "type": "choice", "label": "主体业态", "label_en": "Type",
         "required": True,
         "choices": [{"value": "catering", "label": "餐饮服务", "label_en": "Catering"},
                     {"value": "retail", "label": "食品销售"}]},
        {"name": "dining_area", "type": "decimal", "label": "面积", "required": True, "min": 1,
         "max": 1000, "visible_if": {"field": "business_kind", "equals": "catering"}},
        {"name": "seats", "type": "integer", "label": "座位数", "min": 0, "max": 500},
        {"name": "opening", "type": "date", "label": "开业日期", "min": "2026-12-01"},
        {"name": "mobile", "type": "mobile", "label": "电话"},
        {"name": "id_number", "type": "id_number", "label": "身份证号"},
        {"name": "credit_code", "type": "credit_code", "label": "信用代码"},
        {"name": "promise", "type": "boolean", "label": "承诺", "required": True},
    ]
}  # fmt: skip


def _clean(data: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], dict[str, str]]:
    result = form_schema_parse(RESTAURANT).clean(data, **kwargs)
    return result.values, {e.field: e.code for e in result.errors}


def test_valid_data_is_normalised() -> None:
    values, errors = _clean(
        {
            "business_name": " 开阳小厨 ",
            "business_kind": "catering",
            "dining_area": "120.50",
            "seats": "48",
            "opening": "2026-12-08",
            "mobile": "+86 138-8512-0001",
            "id_number": "520121197501152418",
            "credit_code": "91520121MA6DKQ4X25",
            "promise": "on",
        }
    )
    assert errors == {}
    assert values == {
        "business_name": "开阳小厨",
        "business_kind": "catering",
        "dining_area": "120.50",
        "seats": 48,
        "opening": "2026-12-08",
        "mobile": "13885120001",
        "id_number": "520121197501152418",
        "credit_code": "91520121MA6DKQ4X25",
        "promise": True,
    }


def test_every_error_at_once_with_codes() -> None:
    _values, errors = _clean(
        {
            "business_name": "一二三四五六七八九十一",
            "business_kind": "catering",
            "dining_area": "0.5",
            "seats": "4.5",
            "opening": "2026-11-30",
            "mobile": "12345",
            "id_number": "520121197501152414",
            "credit_code": "91520121MA6DKQ4X26",
            "nickname": "x",
        }
    )
    assert errors == {
        "form_data.nickname": "form.unknown_field",
        "form_data.business_name": "form.too_long",
        "form_data.dining_area": "form.too_small",
        "form_data.seats": "form.invalid",
        "form_data.opening": "form.too_small",
        "form_data.mobile": "mobile.format",
        "form_data.id_number": "id_number.checksum",
        "form_data.credit_code": "credit_code.checksum",
        "form_data.promise": "form.required",
    }


def test_conditional_field_hidden_is_dropped_and_not_required() -> None:
    values, errors = _clean(
        {"business_name": "便利店", "business_kind": "retail", "dining_area": "", "promise": True}
    )
    assert errors == {}
    assert values == {"business_name": "便利店", "business_kind": "retail", "promise": True}
    values, errors = _clean(
        {"business_name": "便利店", "business_kind": "retail", "dining_area": "80", "promise": 1}
    )
    assert "dining_area" not in values
    assert errors == {}


def test_conditional_field_shown_is_required() -> None:
    _values, errors = _clean({"business_name": "小厨", "business_kind": "catering"})
    assert errors == {
        "form_data.dining_area": "form.required",
        "form_data.promise": "form.required",
    }


def test_partial_skips_required_but_not_format() -> None:
    values, errors = _clean({"business_kind": "catering", "seats": "abc"}, partial=True)
    assert values == {"business_kind": "catering", "promise": False}
    assert errors == {"form_data.seats": "form.invalid"}


def test_choice_and_bounds() -> None:
    _values, errors = _clean(
        {"business_name": "x", "business_kind": "bakery", "seats": "501", "promise": "maybe"}
    )
    assert errors == {
        "form_data.business_kind": "form.not_a_choice",
        "form_data.seats": "form.too_large",
        "form_data.promise": "form.invalid",
    }


def test_decimal_places_and_non_numbers() -> None:
    for raw in ("1.234", "NaN", "1e400", "12,5"):
        _values, errors = _clean(
            {"business_name": "x", "business_kind": "catering", "dining_area": raw, "promise": 1}
        )
        assert errors == {"form_data.dining_area": "form.invalid"}, raw


def test_today_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = form_schema_parse(
        {"fields": [{"name": "due", "type": "date", "label": "预产期", "min": "today"}]}
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2026, 11, 28))
    assert schema.clean({"due": "2026-11-27"}).errors[0].code == "form.too_small"
    assert schema.clean({"due": "2026-11-28"}).values == {"due": "2026-11-28"}


def test_labels_follow_the_language() -> None:
    field = form_schema_parse(RESTAURANT).field("business_kind")
    assert field is not None
    with translation.override("en"):
        assert field.display_label == "Type"
        assert [c.display for c in field.choices] == ["Catering", "食品销售"]
    with translation.override("zh-hans"):
        assert field.display_label == "主体业态"


def test_empty_form_is_allowed() -> None:
    assert form_schema_parse({}).is_empty
    assert form_schema_parse({}).clean({}).values == {}


def test_broken_definitions_are_reported_together() -> None:
    errors = form_schema_errors(
        {
            "fields": [
                {"name": "Bad Name", "type": "text", "label": "a"},
                {"name": "x", "type": "colour", "label": "b"},
                {"name": "y", "type": "choice", "label": "", "choices": []},
                {"name": "y", "type": "text", "label": "d"},
                {"name": "z", "type": "text", "label": "e", "visible_if": {"field": "later"}},
                {"name": "w", "type": "date", "label": "f", "min": "tomorrow"},
                {"name": "later", "type": "integer", "label": "g", "max": "ten"},
            ]
        }
    )
    assert [(e.field, e.code) for e in errors] == [
        ("application_form.fields[0].name", "form_schema.name"),
        ("application_form.fields[1].type", "form_schema.type"),
        ("application_form.fields[2].label", "form_schema.label"),
        ("application_form.fields[2].choices", "form_schema.choices"),
        ("application_form.fields[3].name", "form_schema.duplicate"),
        ("application_form.fields[4].visible_if", "form_schema.condition"),
        ("application_form.fields[5].min", "form_schema.bound"),
        ("application_form.fields[6].max", "form_schema.bound"),
    ]
    with pytest.raises(ValidationFailed):
        form_schema_parse({"fields": "all"})
    assert form_schema_errors([1])[0].code == "form_schema.shape"
