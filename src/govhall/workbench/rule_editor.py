"""The review-rule editor (审批规则编辑): a simple table edited in a form — the hit policy,
the inputs (chosen from what the version's sources supply), rows of cells with an outcome, a
reason, a description and the days a pending material may follow — written as standard DMN
by :func:`govhall.rules.builder.dmn_from_simple`; or a DMN file from any modeler uploaded.

Either is saved by ``rule_set_save``, which checks the table; its problems (a cell outside the
safe grammar, an input no source supplies) are shown and nothing is saved. A new draft is saved
once per page (a double click saves one revision); a draft is changed in place. A table whose
inputs are expressions cannot be shown in the form: it is replaced by an upload.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.catalog.models import ItemVersion
from govhall.core.errors import DomainError, FieldError, ValidationFailed
from govhall.rules.builder import (
    SimpleInput,
    SimpleRule,
    SimpleTable,
    dmn_from_simple,
    simple_from_table,
)
from govhall.rules.dmn import (
    HIT_POLICIES,
    MAX_INPUTS,
    MAX_RULES,
    OUTCOMES,
    Table,
    dmn_upload_text,
)
from govhall.rules.inputs import SOURCE_LABELS, InputSpec, available_inputs
from govhall.rules.models import RuleSet, RuleSetState
from govhall.rules.selectors import rule_set_table
from govhall.rules.services import rule_set_save
from govhall.workbench.access import staff_page, staff_user
from govhall.workbench.rules import (
    HIT_POLICY_LABELS,
    MANAGE,
    OUTCOME_LABELS,
    rule_set_in_scope,
    version_in_scope,
)

#: Empty columns and rows the editor offers for adding inputs and rules.
BLANK_INPUTS = 2
BLANK_ROWS = 3
#: What the double-click guard holds while a new draft is being saved (then its UUID).
SAVING = "pending"


@dataclass(slots=True)
class EditorRow:
    """One rule as typed: a cell per column, the outcome, reason, description and days."""

    cells: list[str]
    outcome: str = ""
    reason: str = ""
    description: str = ""
    days: str = ""

    @property
    def is_blank(self) -> bool:
        texts = (*self.cells, self.outcome, self.reason, self.description, self.days)
        return not any(text.strip() for text in texts)


@dataclass(slots=True)
class Editor:
    """A simple table as the form shows it: chosen inputs per column (``""`` for an unused
    column), rows of text as typed."""

    decision_id: str
    name: str
    hit_policy: str = "COLLECT"
    inputs: list[str] = field(default_factory=list)
    rows: list[EditorRow] = field(default_factory=list)
    instant_approval: bool = False
    note: str = ""

    def with_room(self, *, more: bool = False) -> Editor:
        """The table with its blank rows moved to the end (form row N is then DMN rule N) and
        room for a few more inputs and rules (``more``: as many again)."""
        unused = self.inputs.count("")
        blank_rows = sum(1 for r in self.rows if r.is_blank)
        add = max(0, BLANK_INPUTS - unused) + (max(BLANK_INPUTS, unused) if more else 0)
        width = max(1, min(MAX_INPUTS, len(self.inputs) + add))
        rows = [r for r in self.rows if not r.is_blank]
        room = BLANK_ROWS + (max(BLANK_ROWS, blank_rows) if more else 0)
        rows += [EditorRow([]) for _ in range(max(0, min(room, MAX_RULES - len(rows))))]
        for row in rows:
            row.cells = (row.cells + [""] * width)[:width]
        self.inputs = (self.inputs + [""] * width)[:width]
        self.rows = rows
        return self


def _decision_id(version: ItemVersion) -> str:
    return f"rules_{version.handling_item.handling_code}"


def _editor_of(table: Table | None, version: ItemVersion) -> Editor | None:
    """The editor filled from ``table`` (``None`` when its inputs are expressions), or empty."""
    if table is None:
        item = version.handling_item
        name = _("%(item)s review rules") % {"item": item.name}
        return Editor(_decision_id(version), name, inputs=[""] * 3)
    simple = simple_from_table(table)
    if simple is None:
        return None
    return Editor(
        decision_id=simple.decision_id,
        name=simple.name,
        hit_policy=simple.hit_policy,
        inputs=[i.name for i in simple.inputs],
        rows=[
            EditorRow(
                list(r.cells),
                r.outcome,
                r.reason,
                r.description,
                str(r.pending_days) if r.pending_days else "",
            )
            for r in simple.rules
        ],
    )


def _bounded(value: str | None, upper: int) -> int:
    try:
        return max(0, min(int(value or 0), upper))
    except ValueError:
        return 0


def _editor_posted(post: QueryDict, decision_id: str) -> Editor:
    """The editor as posted: columns ``input_<c>`` (from 0), rows numbered from 1
    (``cell_<n>_<c>``, ``outcome_<n>``, ``reason_<n>``, ``description_<n>``, ``days_<n>``)."""
    width = _bounded(post.get("columns"), MAX_INPUTS)
    height = _bounded(post.get("rows"), MAX_RULES + 2 * BLANK_ROWS)
    return Editor(
        decision_id=decision_id,
        name=post.get("name", "").strip(),
        hit_policy=post.get("hit_policy", ""),
        inputs=[post.get(f"input_{c}", "").strip() for c in range(width)],
        rows=[
            EditorRow(
                cells=[post.get(f"cell_{n}_{c}", "") for c in range(width)],
                outcome=post.get(f"outcome_{n}", ""),
                reason=post.get(f"reason_{n}", ""),
                description=post.get(f"description_{n}", ""),
                days=post.get(f"days_{n}", "").strip(),
            )
            for n in range(1, height + 1)
        ],
        instant_approval=post.get("instant_approval") == "on",
        note=post.get("note", ""),
    )


def _simple_table(
    editor: Editor, specs: Mapping[str, InputSpec]
) -> tuple[SimpleTable, list[FieldError]]:
    """The editor's table for :func:`dmn_from_simple`; the problems the DMN cannot express
    (a column without an input, a row without an outcome) as errors at their fields. The
    table's own rules are checked by ``rule_set_save``."""
    errors: list[FieldError] = []
    rows = [r for r in editor.rows if not r.is_blank]
    used = [c for c, name in enumerate(editor.inputs) if name]
    if not editor.name:
        errors.append(FieldError("name", "name.required", _("Name the table.")))
    if editor.hit_policy not in HIT_POLICIES:
        errors.append(FieldError("hit_policy", "hit_policy.choice", _("Choose a hit policy.")))
    for c, name in enumerate(editor.inputs):
        if not name and any(r.cells[c].strip() for r in rows):
            errors.append(
                FieldError(f"input_{c}", "input.required", _("Choose the input of this column."))
            )
    simple_rules = []
    for number, row in enumerate(rows, start=1):
        where = _("Rule %(row)s") % {"row": number}
        if row.outcome not in OUTCOMES:
            errors.append(
                FieldError(f"outcome_{number}", "outcome.choice", _("Choose an outcome."))
            )
        days: int | None = None
        if row.days:
            try:
                days = int(row.days)
            except ValueError:
                errors.append(
                    FieldError(
                        f"days_{number}",
                        "days.integer",
                        _("%(where)s: enter a whole number of working days.") % {"where": where},
                    )
                )
        simple_rules.append(
            SimpleRule(
                [row.cells[c] for c in used],
                row.outcome,
                row.reason.strip(),
                row.description.strip(),
                days,
            )
        )
    inputs = []
    for c in used:
        name = editor.inputs[c]
        spec = specs.get(name)
        inputs.append(
            SimpleInput(name, spec.label_zh if spec else name, spec.type if spec else "string")
        )
    table = SimpleTable(editor.decision_id, editor.name, editor.hit_policy, inputs, simple_rules)
    return table, errors


@dataclass(frozen=True, slots=True)
class InputChoice:
    name: str
    label: str
    source: str
    type: str


def _input_choices(specs: Mapping[str, InputSpec], chosen: Iterable[str]) -> list[InputChoice]:
    """Every input the version's sources supply, by source; a name the table reads that no
    source supplies any more is offered too, marked, so that saving names the problem."""
    choices = [
        InputChoice(s.name, s.label, str(SOURCE_LABELS.get(s.source, s.source)), s.type)
        for s in sorted(specs.values(), key=lambda s: (s.source, s.name))
    ]
    for name in dict.fromkeys(chosen):
        if name and name not in specs:
            choices.append(InputChoice(name, name, _("no source supplies it any more"), ""))
    return choices


def _posted_dmn(request: HttpRequest) -> str:
    """The uploaded file's text; read no further than the largest table allowed."""
    upload = request.FILES.get("dmn_file")
    if upload is None:
        raise ValidationFailed(
            [FieldError("dmn_file", "dmn_file.required", _("Choose a DMN file."))]
        )
    return dmn_upload_text(upload)


@dataclass(frozen=True, slots=True)
class EditorColumn:
    index: int
    name: str
    error: str

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True, slots=True)
class EditorCell:
    column: int
    value: str

    @property
    def number(self) -> int:
        return self.column + 1


@dataclass(frozen=True, slots=True)
class EditorLine:
    number: int
    row: EditorRow
    cells: list[EditorCell]
    errors: dict[str, str]


def _editor_columns(editor: Editor, errors: Mapping[str, str]) -> list[EditorColumn]:
    return [
        EditorColumn(c, name, errors.get(f"input_{c}", "")) for c, name in enumerate(editor.inputs)
    ]


def _editor_rows(editor: Editor, errors: Mapping[str, str]) -> list[EditorLine]:
    return [
        EditorLine(
            number=n,
            row=row,
            cells=[EditorCell(c, value) for c, value in enumerate(row.cells)],
            errors={
                key: errors.get(f"{key}_{n}", "")
                for key in ("outcome", "reason", "description", "days")
            },
        )
        for n, row in enumerate(editor.rows, start=1)
    ]


@dataclass(slots=True)
class Upload:
    """What the upload form posted besides the file."""

    instant_approval: bool = False
    note: str = ""


def _editor_page(
    request: HttpRequest, version: ItemVersion, *, draft: RuleSet | None, source: RuleSet | None
) -> HttpResponse:
    """A new draft (``draft`` is ``None``; a copy of ``source`` when given) or a draft changed
    in place: ``do=save`` the simple table, ``do=upload`` a DMN file, ``do=more`` room for
    more inputs and rules (nothing saved)."""
    specs = available_inputs(version)
    editor = _editor_of(rule_set_table(source) if source else None, version)
    upload = Upload(
        instant_approval=source.instant_approval if source else False,
        note=draft.note if draft else "",
    )
    if editor is not None:
        editor.instant_approval, editor.note = upload.instant_approval, upload.note
    action = request.POST.get("do", "")
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    errors: list[FieldError] = []
    if request.method == "POST":
        if action in ("save", "more") and editor is not None:
            editor = _editor_posted(request.POST, editor.decision_id)
        elif action == "upload":
            upload = Upload(
                request.POST.get("instant_approval") == "on", request.POST.get("note", "")
            )
        else:
            errors = [FieldError("do", "do.unknown", _("Unknown action."))]
        if not errors and action != "more":
            saved = _save_once(request, version, draft, key, action, editor, upload, specs)
            if isinstance(saved, RuleSet):
                messages.success(
                    request,
                    _("Draft revision %(revision)s is saved. Try it, then publish it.")
                    % {"revision": saved.revision},
                )
                return HttpResponseRedirect(reverse("workbench:rule_set", args=[saved.uuid]))
            errors = saved
    if editor is not None:
        editor.with_room(more=action == "more")
    by_field = {e.field: str(e.message) for e in errors if e.field not in ("dmn", "dmn_file")}
    return render(
        request,
        "workbench/rules/edit.html",
        {
            "version": version,
            "item": version.handling_item,
            "draft": draft,
            "source": source,
            "editor": editor,
            "editor_columns": _editor_columns(editor, by_field) if editor else [],
            "editor_rows": _editor_rows(editor, by_field) if editor else [],
            "hit_policies": list(HIT_POLICY_LABELS.items()),
            "outcomes": list(OUTCOME_LABELS.items()),
            "choices": _input_choices(specs, editor.inputs if editor else ()),
            "upload": upload,
            "idempotency_key": key,
            "action": action,
            "errors": by_field,
            "dmn_errors": [str(e.message) for e in errors if e.field == "dmn"],
            "upload_errors": [str(e.message) for e in errors if e.field == "dmn_file"],
            "nav": "rules",
        },
        status=400 if errors else 200,
    )


def _save_once(
    request: HttpRequest,
    version: ItemVersion,
    draft: RuleSet | None,
    key: str,
    action: str,
    editor: Editor | None,
    upload: Upload,
    specs: Mapping[str, InputSpec],
) -> RuleSet | list[FieldError]:
    """Save a draft; a new one once per page (a double click saves one revision, and the
    second click is answered with it)."""
    if draft is not None:
        return _save(request, version, draft, action, editor, upload, specs)
    claim = f"workbench:rules_new:{staff_user(request).pk}:{key}"
    if not cache.add(claim, SAVING, 3600):
        saved = cache.get(claim)
        found = RuleSet.objects.filter(uuid=saved).first() if saved != SAVING else None
        if found is not None:
            return found
        return [FieldError("dmn", "dmn.pending", _("This draft is being saved; wait."))]
    result = _save(request, version, None, action, editor, upload, specs)
    if isinstance(result, RuleSet):
        cache.set(claim, str(result.uuid), 3600)
    else:
        cache.delete(claim)  # nothing was saved: the corrected page may be posted again
    return result


def _save(
    request: HttpRequest,
    version: ItemVersion,
    draft: RuleSet | None,
    action: str,
    editor: Editor | None,
    upload: Upload,
    specs: Mapping[str, InputSpec],
) -> RuleSet | list[FieldError]:
    """Save through ``rule_set_save``: the saved draft, or the reasons nothing was saved."""
    try:
        if action == "upload":
            dmn = _posted_dmn(request)
            instant, note = upload.instant_approval, upload.note
        else:
            assert editor is not None
            simple, problems = _simple_table(editor, specs)
            if problems:
                return problems
            dmn = dmn_from_simple(simple)
            instant, note = editor.instant_approval, editor.note
        return rule_set_save(
            version=version,
            dmn=dmn,
            actor=staff_user(request),
            instant_approval=instant,
            note=note,
            draft=draft,
        )
    except ValidationFailed as error:
        if action == "upload":  # the file's problems belong to the upload form
            return [FieldError("dmn_file", e.code, e.message) for e in error.errors]
        return error.errors
    except DomainError as error:  # the draft was published meanwhile
        return [FieldError("dmn", "dmn.conflict", str(error.detail))]


@staff_page(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_new(request: HttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """A new draft revision for the version, empty or (``?from=<uuid>``) a copy of another
    revision of the same version."""
    version = version_in_scope(request, version_uuid)
    source = None
    wanted = request.GET.get("from", "")
    if wanted:
        try:
            source = rule_set_in_scope(request, uuid.UUID(wanted))
        except ValueError:
            raise Http404(_("No review rules of your department have this identifier.")) from None
        if source.version_id != version.pk:
            raise Http404(_("These review rules belong to another guide version."))
    return _editor_page(request, version, draft=None, source=source)


@staff_page(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_edit(request: HttpRequest, rule_set_uuid: uuid.UUID) -> HttpResponse:
    """A draft changed in place; a published revision is copied into a new draft instead."""
    rule_set = rule_set_in_scope(request, rule_set_uuid)
    if rule_set.state != RuleSetState.DRAFT:
        messages.info(request, _("Only a draft can be changed: this is a new revision of it."))
        new = reverse("workbench:rule_set_new", args=[rule_set.version.uuid])
        return HttpResponseRedirect(f"{new}?{urlencode({'from': str(rule_set.uuid)})}")
    return _editor_page(request, rule_set.version, draft=rule_set, source=rule_set)
