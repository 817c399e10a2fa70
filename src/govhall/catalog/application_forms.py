"""Application forms (申请表): each guide version defines the fields an applicant fills in.

The form is part of the version (``ItemVersion.application_form``), so it is frozen with the
published guide and a case is always checked against the form it was submitted under. One
definition serves every channel: the portal renders it and validates each field as the user
types, the API and window intake validate the whole form on submission, through the same
:meth:`FormSchema.clean`.

A form is JSON: ``{"fields": [{...}, ...]}``; each field has

- ``name`` (``[a-z][a-z0-9_]*``, at most 40 characters, unique) and ``type``: ``text``,
  ``textarea``, ``integer``, ``decimal``, ``date``, ``choice``, ``boolean``, ``mobile``,
  ``id_number`` or ``credit_code`` (the last three checked like everywhere else in govhall);
- ``label`` (Chinese) and optional ``label_en``, ``help``, ``help_en``;
- ``required`` (a required ``boolean`` must be ticked: a promise such as 告知承诺);
- ``max_length`` (text 200, textarea 2,000 by default), ``min`` / ``max`` (numbers; dates as
  ``YYYY-MM-DD`` or ``"today"``), ``decimal_places`` (default 2), ``choices``
  (``[{"value", "label", "label_en"}]``);
- ``visible_if``: ``{"field": name, "equals": value}`` or ``{"field": name, "in": [...]}`` —
  the field exists only while the condition holds; its value is dropped otherwise, and a
  required hidden field is not required.

Errors name the field as ``form_data.<name>`` with stable codes (``form.required``,
``form.invalid``, ``form.too_long``, ``form.too_small``, ``form.too_large``,
``form.not_a_choice``, ``form.unknown_field``, or the identifier checks' own codes).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govhall.core.errors import FieldError, ValidationFailed
from govhall.core.identifiers import check_credit_code, check_id_number, check_mobile

FIELD_TYPES = (
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "choice",
    "boolean",
    "mobile",
    "id_number",
    "credit_code",
)
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
MAX_FIELDS = 80
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
TRUE_WORDS = {"1", "true", "on", "yes"}
FALSE_WORDS = {"", "0", "false", "off", "no"}


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    label_en: str = ""

    @property
    def display(self) -> str:
        return _localized(self.label, self.label_en)


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    type: str
    label: str
    label_en: str = ""
    help: str = ""
    help_en: str = ""
    required: bool = False
    max_length: int | None = None
    min: Any = None
    max: Any = None
    decimal_places: int = 2
    choices: tuple[Choice, ...] = ()
    visible_if: Mapping[str, Any] | None = None

    @property
    def display_label(self) -> str:
        return _localized(self.label, self.label_en)

    @property
    def display_help(self) -> str:
        return _localized(self.help, self.help_en)

    @property
    def key(self) -> str:
        return f"form_data.{self.name}"

    def is_visible(self, data: Mapping[str, Any]) -> bool:
        if not self.visible_if:
            return True
        current = data.get(self.visible_if["field"])
        if "in" in self.visible_if:
            return current in self.visible_if["in"]
        return bool(current == self.visible_if.get("equals"))


def _localized(zh: str, en: str) -> str:
    language = get_language() or "zh-hans"
    return en if language.startswith("en") and en else zh


@dataclass(frozen=True, slots=True)
class CleanedForm:
    values: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FormSchema:
    fields: tuple[FormField, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.fields

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)

    def visible_fields(self, data: Mapping[str, Any]) -> list[FormField]:
        return [f for f in self.fields if f.is_visible(data)]

    def clean(self, data: Mapping[str, Any], *, partial: bool = False) -> CleanedForm:
        """Check every field at once; hidden fields are dropped. ``partial`` (drafts) skips
        the required checks, so half-filled forms can be kept."""
        errors: list[FieldError] = []
        known = {f.name for f in self.fields}
        errors.extend(
            FieldError(f"form_data.{name}", "form.unknown_field", _("This form has no such field."))
            for name in data
            if name not in known
        )
        values: dict[str, Any] = {}
        # Conditions refer to earlier fields: evaluate them on the cleaned values so a
        # malformed controlling value cannot reveal a field.
        for form_field in self.fields:
            if not form_field.is_visible(values):
                continue
            value, error = clean_value(form_field, data.get(form_field.name), partial=partial)
            if error is not None:
                errors.append(error)
            elif value is not None:
                values[form_field.name] = value
        return CleanedForm(values, errors)


def _error(form_field: FormField, code: str, message: str) -> FieldError:
    return FieldError(form_field.key, code, message)


def _date_bound(bound: Any) -> datetime.date:
    return timezone.localdate() if bound == "today" else datetime.date.fromisoformat(str(bound))


def clean_value(
    form_field: FormField, raw: Any, *, partial: bool = False
) -> tuple[Any, FieldError | None]:
    """One field's value in its stored form, or its error."""
    kind = form_field.type
    if kind == "boolean":
        if isinstance(raw, bool):
            flag = raw
        elif raw is None or str(raw).strip().lower() in FALSE_WORDS:
            flag = False
        elif str(raw).strip().lower() in TRUE_WORDS:
            flag = True
        else:
            return None, _error(form_field, "form.invalid", _("Answer yes or no."))
        if form_field.required and not flag and not partial:
            return None, _error(form_field, "form.required", _("This must be confirmed."))
        return flag, None
    text = "" if raw is None else str(raw).strip()
    if not text:
        if form_field.required and not partial:
            return None, _error(form_field, "form.required", _("This field is required."))
        return None, None
    if kind in ("text", "textarea"):
        limit = form_field.max_length or DEFAULT_MAX_LENGTH[kind]
        if len(text) > limit:
            return None, _error(
                form_field,
                "form.too_long",
                _("At most %(limit)s characters (now %(length)s).")
                % {"limit": limit, "length": len(text)},
            )
        return text, None
    if kind == "integer":
        if isinstance(raw, bool) or not re.fullmatch(r"[+-]?\d{1,15}", text):
            return None, _error(form_field, "form.invalid", _("Enter a whole number."))
        return _bounded(form_field, int(text))
    if kind == "decimal":
        if isinstance(raw, bool) or not re.fullmatch(r"[+-]?\d{1,15}(\.\d{1,10})?", text):
            return None, _error(form_field, "form.invalid", _("Enter a number."))
        number = Decimal(text)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > form_field.decimal_places:
            return None, _error(
                form_field,
                "form.invalid",
                _("At most %(places)s decimal places.") % {"places": form_field.decimal_places},
            )
        value, error = _bounded(form_field, number)
        return (str(value) if error is None else None), error
    if kind == "date":
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return None, _error(form_field, "form.invalid", _("Enter a date as YYYY-MM-DD."))
        value, error = _bounded(
            form_field,
            day,
            low=None if form_field.min is None else _date_bound(form_field.min),
            high=None if form_field.max is None else _date_bound(form_field.max),
        )
        return (day.isoformat() if error is None else None), error
    if kind == "choice":
        if text not in {c.value for c in form_field.choices}:
            return None, _error(form_field, "form.not_a_choice", _("Choose one of the options."))
        return text, None
    if kind == "mobile":
        mobile, mobile_error = check_mobile(text, field=form_field.key)
        return (None, mobile_error) if mobile_error else (mobile, None)
    checker = check_id_number if kind == "id_number" else check_credit_code
    check = checker(text, field_name=form_field.key)
    if check.errors:
        return None, check.errors[0]
    return check.value, None


def _bounded(
    form_field: FormField, value: Any, *, low: Any = None, high: Any = None
) -> tuple[Any, FieldError | None]:
    low = form_field.min if low is None and form_field.type != "date" else low
    high = form_field.max if high is None and form_field.type != "date" else high
    if low is not None and value < (Decimal(str(low)) if isinstance(value, Decimal) else low):
        return None, _error(
            form_field, "form.too_small", _("At least %(low)s.") % {"low": _shown(low)}
        )
    if high is not None and value > (Decimal(str(high)) if isinstance(value, Decimal) else high):
        return None, _error(
            form_field, "form.too_large", _("At most %(high)s.") % {"high": _shown(high)}
        )
    return value, None


def _shown(bound: Any) -> str:
    return bound.isoformat() if isinstance(bound, datetime.date) else str(bound)


# --- reading and checking a form definition ---------------------------------------------


def form_schema_errors(raw: Any, *, prefix: str = "application_form") -> list[FieldError]:
    """Every problem of a form definition (catalog staff see them all at once)."""
    return _parse(raw, prefix)[1]


def form_schema_parse(raw: Any, *, prefix: str = "application_form") -> FormSchema:
    """The form of a guide version; raises ``ValidationFailed`` for a broken definition."""
    schema, errors = _parse(raw, prefix)
    if errors:
        raise ValidationFailed(errors)
    return schema


def _parse(raw: Any, prefix: str) -> tuple[FormSchema, list[FieldError]]:
    if raw in (None, {}, []):
        return FormSchema(), []
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
        return FormSchema(), [
            FieldError(prefix, "form_schema.shape", _('A form is {"fields": [...]}.'))
        ]
    items = raw["fields"]
    errors: list[FieldError] = []
    if len(items) > MAX_FIELDS:
        errors.append(FieldError(prefix, "form_schema.too_many", _("At most 80 fields per form.")))
    parsed: list[FormField] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"{prefix}.fields[{index}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "form_schema.field", _("Each field is an object.")))
            continue
        name = str(item.get("name", ""))
        kind = item.get("type")
        if not NAME_PATTERN.fullmatch(name):
            errors.append(
                FieldError(
                    f"{where}.name",
                    "form_schema.name",
                    _("Names are lower-case letters, digits and _, starting with a letter."),
                )
            )
        elif name in seen:
            errors.append(
                FieldError(f"{where}.name", "form_schema.duplicate", _("Names must be unique."))
            )
        seen.add(name)
        if kind not in FIELD_TYPES:
            errors.append(
                FieldError(
                    f"{where}.type",
                    "form_schema.type",
                    _("Unknown field type; use one of: %(types)s.")
                    % {"types": ", ".join(FIELD_TYPES)},
                )
            )
            continue
        if not str(item.get("label", "")).strip():
            errors.append(
                FieldError(f"{where}.label", "form_schema.label", _("Every field needs a label."))
            )
        choices = tuple(
            Choice(str(c.get("value", "")), str(c.get("label", "")), str(c.get("label_en", "")))
            for c in item.get("choices", [])
            if isinstance(c, dict)
        )
        if kind == "choice" and (not choices or any(not c.value for c in choices)):
            errors.append(
                FieldError(
                    f"{where}.choices", "form_schema.choices", _("List the options with values.")
                )
            )
        condition = item.get("visible_if")
        if condition is not None and (
            not isinstance(condition, dict)
            or condition.get("field") not in seen - {name}
            or not ({"equals", "in"} & set(condition))
        ):
            errors.append(
                FieldError(
                    f"{where}.visible_if",
                    "form_schema.condition",
                    _("A condition names an earlier field and a value (equals or in)."),
                )
            )
        for bound in ("min", "max"):
            value = item.get(bound)
            if value is None:
                continue
            valid = (
                (value == "today" or _is_iso_date(value))
                if kind == "date"
                else isinstance(value, int | float) and not isinstance(value, bool)
            )
            if not valid:
                errors.append(
                    FieldError(
                        f"{where}.{bound}", "form_schema.bound", _("This bound does not fit.")
                    )
                )
        parsed.append(
            FormField(
                name=name,
                type=str(kind),
                label=str(item.get("label", "")),
                label_en=str(item.get("label_en", "")),
                help=str(item.get("help", "")),
                help_en=str(item.get("help_en", "")),
                required=bool(item.get("required", False)),
                max_length=int(item["max_length"]) if item.get("max_length") else None,
                min=item.get("min"),
                max=item.get("max"),
                decimal_places=int(item.get("decimal_places", 2)),
                choices=choices,
                visible_if=condition if isinstance(condition, dict) else None,
            )
        )
    return FormSchema(tuple(parsed)), errors


def _is_iso_date(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


__all__ = [
    "FIELD_TYPES",
    "CleanedForm",
    "FormField",
    "FormSchema",
    "clean_value",
    "form_schema_errors",
    "form_schema_parse",
]
