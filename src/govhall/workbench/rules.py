"""Review rules (审批规则) in the workbench: a department's items with their guide versions,
rule revisions, automatic decisions, switch back to manual review and spot-check rate; one
revision's table, tried on sample inputs, replayed against past cases and published, and its
DMN file. The editor is :mod:`.rule_editor`, spot checks :mod:`.spot_checks`.

Thin views over ``rules.services`` and the cases module's automatic-review services: each
write is one service call (checked and audited there); a refused write re-renders the page
with the reasons at their fields and changes nothing.

Who: staff with ``rules.manage_rules`` (the 审批规则管理员 role), for the items of their own
department (a province-wide administrator: every item in their scope); another department's
rules are not found (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from govhall.cases.models import AutomaticDecision, CaseState
from govhall.cases.services.automatic import ImpactReport, rules_impact
from govhall.catalog.models import HandlingItem, ItemVersion, VersionState
from govhall.core.errors import DomainError, FieldError, ValidationFailed
from govhall.core.scoping import StaffScope
from govhall.identity.models import User
from govhall.rules.builder import simple_from_table
from govhall.rules.dmn import OUTCOMES, Table
from govhall.rules.evaluation import Evaluation
from govhall.rules.inputs import SOURCE_LABELS, InputSpec, available_inputs
from govhall.rules.models import ItemAutomation, RuleSet, RuleSetState
from govhall.rules.selectors import automation_of, rule_set_table
from govhall.rules.services import automation_set, rule_set_publish
from govhall.rules.trial import table_try
from govhall.workbench.access import staff_page, staff_user

MANAGE = "rules.manage_rules"
ITEMS_PER_PAGE = 25
IMPACT_LIMIT = 500
#: Versions that may get a rule revision: a guide being prepared or the one in force.
OPEN_VERSION_STATES = (VersionState.DRAFT, VersionState.IN_REVIEW, VersionState.PUBLISHED)

OUTCOME_LABELS: dict[str, Any] = {
    "approve": pgettext_lazy("rule outcome", "Approve"),
    "refuse": pgettext_lazy("rule outcome", "Refuse"),
    "manual": pgettext_lazy("rule outcome", "Manual review"),
    "pending": pgettext_lazy("rule outcome", "Accept, material to follow (容缺)"),
}
HIT_POLICY_LABELS: dict[str, Any] = {
    "COLLECT": pgettext_lazy("hit policy", "COLLECT — every matching rule; the strictest wins"),
    "FIRST": pgettext_lazy("hit policy", "FIRST — the first matching rule"),
    "UNIQUE": pgettext_lazy("hit policy", "UNIQUE — at most one rule may match"),
}


def outcome_label(outcome: str | None) -> str:
    return str(OUTCOME_LABELS.get(outcome or "", outcome or "—"))


# ---------------------------------------------------------------------------------------------
# What a member of staff may reach: their department's items, versions and rule revisions.


def _items_in_scope(user: User) -> QuerySet[HandlingItem]:
    return StaffScope.for_user(user).filter(
        HandlingItem.objects.select_related("implementation__department"),
        region="implementation__region",
        department="implementation__department",
    )


def rule_set_in_scope(request: HttpRequest, rule_set_uuid: uuid.UUID) -> RuleSet:
    """A revision of the department's rules (404 for another department's)."""
    found = (
        StaffScope.for_user(staff_user(request))
        .filter(
            RuleSet.objects.select_related(
                "version__handling_item__implementation__department",
                "created_by",
                "published_by",
            ),
            region="version__handling_item__implementation__region",
            department="version__handling_item__implementation__department",
        )
        .filter(uuid=rule_set_uuid)
        .first()
    )
    if found is None:
        raise Http404(_("No review rules of your department have this identifier."))
    return found


def version_in_scope(request: HttpRequest, version_uuid: uuid.UUID) -> ItemVersion:
    """A guide version of the department that may get a rule revision (404 otherwise)."""
    found = (
        StaffScope.for_user(staff_user(request))
        .filter(
            ItemVersion.objects.select_related("handling_item__implementation__department"),
            region="handling_item__implementation__region",
            department="handling_item__implementation__department",
        )
        .filter(uuid=version_uuid, state__in=OPEN_VERSION_STATES)
        .first()
    )
    if found is None:
        raise Http404(_("No open guide version of your department has this identifier."))
    return found


def _item(request: HttpRequest, identifier: str) -> HandlingItem:
    """An item of the department by its UUID or its handling item code."""
    items = _items_in_scope(staff_user(request))
    try:
        found = items.filter(uuid=uuid.UUID(identifier)).first()
    except ValueError:
        found = items.filter(handling_code=identifier).first()
    if found is None:
        raise Http404(_("No item of your department has this code."))
    return found


# ---------------------------------------------------------------------------------------------
# The overview: items, their versions and rule revisions, switch, spot-check rate, counts.


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: ItemVersion
    rule_sets: list[RuleSet]

    @property
    def may_add(self) -> bool:
        return self.version.state in OPEN_VERSION_STATES


@dataclass(frozen=True, slots=True)
class ItemRow:
    item: HandlingItem
    versions: list[VersionRow]
    automation: ItemAutomation
    #: Automatic decisions of the item's cases by outcome: ``[(outcome, label, count)]``.
    counts: list[tuple[str, str, int]]

    @property
    def decisions(self) -> int:
        return sum(count for _outcome, _label, count in self.counts)


def _overview(user: User, page_number: str | None) -> Page[HandlingItem]:
    """Items with a guide in force, or with rules on any of their versions."""
    items = (
        _items_in_scope(user)
        .filter(Q(versions__state=VersionState.PUBLISHED) | Q(versions__rule_sets__isnull=False))
        .distinct()
        .order_by("handling_code")
    )
    return Paginator(items, ITEMS_PER_PAGE).get_page(page_number)


def _item_rows(items: list[HandlingItem]) -> list[ItemRow]:
    """The rows of one page in a fixed number of queries (plus one per item whose settings
    were never changed: :func:`automation_of` gives its defaults)."""
    versions = list(
        ItemVersion.objects.filter(handling_item__in=items)
        .filter(Q(state=VersionState.PUBLISHED) | Q(rule_sets__isnull=False))
        .distinct()
        .order_by("-number")
    )
    rule_sets: dict[int, list[RuleSet]] = {}
    for rule_set in RuleSet.objects.filter(version__in=versions).order_by("-revision"):
        rule_sets.setdefault(rule_set.version_id, []).append(rule_set)
    saved = {a.handling_item_id: a for a in ItemAutomation.objects.filter(handling_item__in=items)}
    tallies: dict[int, dict[str, int]] = {}
    for row in (
        AutomaticDecision.objects.filter(rule_set__version__handling_item__in=items)
        .values("rule_set__version__handling_item", "outcome")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        item_tally = tallies.setdefault(row["rule_set__version__handling_item"], {})
        item_tally[row["outcome"]] = row["count"]
    rows = []
    for item in items:
        tally = tallies.get(item.pk, {})
        rows.append(
            ItemRow(
                item=item,
                versions=[
                    VersionRow(v, rule_sets.get(v.pk, []))
                    for v in versions
                    if v.handling_item_id == item.pk
                ],
                automation=saved.get(item.pk) or automation_of(item),
                counts=[(o, outcome_label(o), tally.get(o, 0)) for o in OUTCOMES],
            )
        )
    return rows


@staff_page(MANAGE)
@require_safe
def rules_overview(request: HttpRequest) -> HttpResponse:
    page = _overview(staff_user(request), request.GET.get("page"))
    return render(
        request,
        "workbench/rules/overview.html",
        {"page": page, "rows": _item_rows(list(page.object_list)), "nav": "rules"},
    )


# ---------------------------------------------------------------------------------------------
# One revision: the table, the sample test, publishing, the impact report, the DMN file.


@dataclass(frozen=True, slots=True)
class Column:
    """One input of a table, with what govhall knows of it (``spec`` is ``None`` for an
    expression, or an input no source supplies any more)."""

    label: str
    expression: str
    type_ref: str
    spec: InputSpec | None

    @property
    def source(self) -> str:
        return str(SOURCE_LABELS.get(self.spec.source, self.spec.source)) if self.spec else ""


@dataclass(frozen=True, slots=True)
class SampleField:
    name: str
    label: str
    type: str
    source: str
    value: str
    error: str


@dataclass(frozen=True, slots=True)
class VerdictRow:
    row: int
    description: str
    #: ``(cell text, verdict)`` per input: ``True`` met, ``False`` not met, ``None`` any value.
    cells: list[tuple[str, bool | None]]
    matched: bool
    outcome: str
    reason: str


def _columns(table: Table, specs: Mapping[str, InputSpec]) -> list[Column]:
    return [
        Column(i.label, i.expression, i.type_ref, specs.get(i.expression)) for i in table.inputs
    ]


def _sample_fields(
    table: Table,
    specs: Mapping[str, InputSpec],
    values: Mapping[str, str],
    errors: Mapping[str, str],
) -> list[SampleField]:
    fields = []
    for name in table.input_names:
        spec = specs.get(name)
        fields.append(
            SampleField(
                name=name,
                label=spec.label if spec else name,
                type=spec.type if spec else "string",
                source=str(SOURCE_LABELS.get(spec.source, spec.source)) if spec else "",
                value=values.get(name, ""),
                error=errors.get(f"inputs.{name}", ""),
            )
        )
    return fields


def _verdict_rows(table: Table, evaluation: Evaluation) -> list[VerdictRow]:
    rules = {rule.row: rule for rule in table.rules}
    return [
        VerdictRow(
            row=v.row,
            description=v.description,
            cells=[
                (cell or "-", verdict)
                for cell, verdict in zip(rules[v.row].cells, v.cells, strict=True)
            ],
            matched=v.matched,
            outcome=outcome_label(v.outcome),
            reason=v.reason,
        )
        for v in evaluation.verdicts
    ]


@staff_page(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_page(request: HttpRequest, rule_set_uuid: uuid.UUID) -> HttpResponse:
    """A revision's table; ``do=try`` tries it on sample values (nothing stored),
    ``do=publish`` publishes a draft; ``?impact=1`` replays past cases against a draft."""
    rule_set = rule_set_in_scope(request, rule_set_uuid)
    user = staff_user(request)
    table = rule_set_table(rule_set)
    specs = available_inputs(rule_set.version)
    action = request.POST.get("do", "")
    values = {name: request.POST.get(f"input_{name}", "") for name in table.input_names}
    errors: list[FieldError] = []
    evaluation: Evaluation | None = None
    status = 200
    if request.method == "POST":
        if action == "try":
            try:
                evaluation = table_try(table, specs, values)
            except ValidationFailed as error:
                errors, status = error.errors, 400
        elif action == "publish":
            try:
                rule_set_publish(rule_set=rule_set, actor=user)
            except ValidationFailed as error:  # the version's form or a source changed
                errors, status = error.errors, 400
            except DomainError as error:  # published meanwhile
                errors = [FieldError("publish", "publish.conflict", str(error.detail))]
                status = error.status
            else:
                messages.success(
                    request,
                    _("Revision %(revision)s is published: new applications are decided by it.")
                    % {"revision": rule_set.revision},
                )
                return HttpResponseRedirect(reverse("workbench:rule_set", args=[rule_set.uuid]))
        else:
            errors, status = [FieldError("do", "do.unknown", _("Unknown action."))], 400
    impact: ImpactReport | None = None
    if request.GET.get("impact") and rule_set.state == RuleSetState.DRAFT:
        impact = rules_impact(rule_set, limit=IMPACT_LIMIT)
    by_field = {e.field: str(e.message) for e in errors}
    return render(
        request,
        "workbench/rules/rule_set.html",
        {
            "rule_set": rule_set,
            "version": rule_set.version,
            "item": rule_set.version.handling_item,
            "hit_policy": HIT_POLICY_LABELS.get(table.hit_policy, table.hit_policy),
            "columns": _columns(table, specs),
            "rules": [(rule, outcome_label(rule.outcome)) for rule in table.rules],
            "simple": simple_from_table(table) is not None,
            "sample_fields": _sample_fields(table, specs, values, by_field),
            "evaluation": evaluation,
            "evaluation_outcome": outcome_label(evaluation.outcome) if evaluation else "",
            "verdicts": _verdict_rows(table, evaluation) if evaluation else [],
            "impact": impact,
            "impact_counts": _impact_counts(impact) if impact else [],
            "impact_rows": _impact_rows(impact) if impact else [],
            "errors": by_field,
            "dmn_errors": [str(e.message) for e in errors if e.field == "dmn"],
            "nav": "rules",
        },
        status=status,
    )


def _impact_counts(report: ImpactReport) -> list[tuple[str, str, int]]:
    counts = report.counts
    return [(o, outcome_label(o), counts[o]) for o in OUTCOMES]


@dataclass(frozen=True, slots=True)
class ImpactLine:
    case_number: str
    applicant_name: str
    case_state: str
    before: str
    after: str
    after_reasons: list[str]
    fresh_inputs: list[str]
    changed: bool


def _impact_rows(report: ImpactReport) -> list[ImpactLine]:
    states = dict(CaseState.choices)
    return [
        ImpactLine(
            case_number=row.case_number,
            applicant_name=row.applicant_name,
            case_state=str(states.get(row.case_state, row.case_state)),
            before=outcome_label(row.before) if row.before else "",
            after=outcome_label(row.after),
            after_reasons=row.after_reasons,
            fresh_inputs=row.fresh_inputs,
            changed=row.changed,
        )
        for row in report.rows
    ]


@staff_page(MANAGE)
@require_safe
def rule_set_dmn(request: HttpRequest, rule_set_uuid: uuid.UUID) -> HttpResponse:
    """The revision's DMN file, as saved, to open in any standard modeler."""
    rule_set = rule_set_in_scope(request, rule_set_uuid)
    item = rule_set.version.handling_item
    name = f"{item.handling_code}-v{rule_set.version.number}-r{rule_set.revision}.dmn"
    response = HttpResponse(rule_set.dmn, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=name) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# The item's switch back to manual review and its spot-check rate.


@staff_page(MANAGE)
@require_POST
def automation_change(request: HttpRequest, identifier: str) -> HttpResponse:
    """``do=manual`` (a reason required), ``do=automatic``, or ``do=rate``."""
    item = _item(request, identifier)
    action = request.POST.get("do", "")
    reason = request.POST.get("reason", "")
    rate_text = request.POST.get("spot_check_percent", "").strip()
    try:
        if action == "manual":
            automation_set(item=item, actor=staff_user(request), manual_only=True, reason=reason)
            done = _("%(item)s: every application now goes to a person.")
        elif action == "automatic":
            automation_set(item=item, actor=staff_user(request), manual_only=False, reason=reason)
            done = _("%(item)s: the review rules decide again.")
        elif action == "rate":
            try:
                rate = int(rate_text)
            except ValueError:
                raise ValidationFailed(
                    [
                        FieldError(
                            "spot_check_percent",
                            "spot_check_percent.integer",
                            _("Enter a whole number of percent."),
                        )
                    ]
                ) from None
            automation_set(item=item, actor=staff_user(request), spot_check_percent=rate)
            done = _("%(item)s: the spot-check rate is changed.")
        else:
            raise ValidationFailed([FieldError("do", "do.unknown", _("Unknown action."))])
    except ValidationFailed as error:
        return render(
            request,
            "workbench/rules/automation.html",
            {
                "item": item,
                "automation": automation_of(item),
                "action": action,
                "reason": reason,
                "rate": rate_text,
                "errors": {e.field: str(e.message) for e in error.errors},
                "nav": "rules",
            },
            status=400,
        )
    messages.success(request, done % {"item": item.name})
    return HttpResponseRedirect(f"{reverse('workbench:rules')}#item-{item.handling_code}")
