"""Applying online and following one's cases (网上申报、我的办件).

Thin views over the cases services: the application form comes from the guide version, is
kept as a draft on every change (htmx re-renders the fields with their problems, so
conditional fields appear and errors show while typing), materials are uploaded one by one,
and submitting carries an idempotency key issued with the page, so a double click or a
resubmitted form yields one case. Every page also works without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from govhall.archive.download import stored_file_response
from govhall.cases.automatic_selectors import case_decision
from govhall.cases.diagram import process_diagram
from govhall.cases.lookup import case_lookup_code
from govhall.cases.models import Channel
from govhall.cases.reuse import may_reuse, principal_for, reuse_offers
from govhall.cases.selectors import (
    case_detail,
    case_for_number,
    case_submitted_with_key,
    case_visible_to,
    my_cases,
)
from govhall.cases.services.actions import case_act
from govhall.cases.services.drafts import (
    draft_for,
    draft_open,
    draft_save,
    material_upload,
    material_upload_remove,
)
from govhall.cases.services.reuse import material_reuse, material_use_license
from govhall.cases.services.submission import case_submit, offers_pre_review, published_version
from govhall.cases.services.supply import case_material_supply
from govhall.cases.transitions import PRE_REVIEW_STATES, RESEND_ACTIONS, TRANSITIONS
from govhall.catalog.application_forms import form_schema_parse
from govhall.catalog.form_pages import form_rows, form_values_posted
from govhall.catalog.models import ItemVersion, MaterialSource
from govhall.core.errors import DomainError, FieldError, ValidationFailed, error_text
from govhall.identity.acting import principals_for
from govhall.identity.models import User
from govhall.identity.selectors import person_for_user
from govhall.portal.cases.decision import decision_shown


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _version(version_uuid: uuid.UUID) -> ItemVersion:
    try:
        return published_version(version_uuid)
    except DomainError as error:
        raise Http404(str(error.detail)) from error


def _principal(request: HttpRequest) -> tuple[str, uuid.UUID, list[Any]]:
    """The applicant chosen on the page (default: oneself) among those the user may act for."""
    choices = principals_for(request.user)
    if not choices:
        raise Http404(_("This account has no person profile."))
    wanted = request.POST.get("principal") or request.GET.get("principal") or ""
    for acting in choices:
        if f"{acting.principal_type}:{acting.principal_uuid}" == wanted:
            return acting.principal_type, acting.principal_uuid, choices
    return choices[0].principal_type, choices[0].principal_uuid, choices


def _context(
    request: HttpRequest,
    version: ItemVersion,
    *,
    values: dict[str, Any],
    errors: list[FieldError],
    principal: tuple[str, uuid.UUID, list[Any]],
) -> dict[str, Any]:
    principal_type, principal_uuid, choices = principal
    schema = form_schema_parse(version.application_form, prefix="version")
    draft = draft_for(
        actor=_user(request),
        version_uuid=version.uuid,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
    )
    uploads = list(draft.uploads.all()) if draft is not None else []
    material_errors = {e.field: str(e.message) for e in errors if e.field.startswith("materials")}
    offers = reuse_offers(
        version,
        principal_for(principal_type, principal_uuid)
        if may_reuse(_user(request), version)
        else None,
    )
    materials = []
    for requirement in version.materials.all():
        mine = [u for u in uploads if u.requirement_id == requirement.pk]
        used = {u.license_identifier for u in mine} | {u.stored_file_id for u in mine}
        offered = offers[requirement.pk]
        materials.append(
            {
                "requirement": requirement,
                "uploads": mine,
                "asked": requirement.source == MaterialSource.APPLICANT,
                "error": material_errors.get(f"materials.{requirement.uuid}", ""),
                "licenses": [x for x in offered.licenses if x.identifier not in used],
                "earlier": [x for x in offered.materials if x.stored_file_id not in used],
            }
        )
    return {
        "version": version,
        "item": version.handling_item,
        "rows": form_rows(schema, values, errors),
        "materials": materials,
        "general_errors": [
            str(e.message)
            for e in errors
            if e.field not in {f.key for f in schema.fields}
            and e.field not in {f"materials.{r.uuid}" for r in version.materials.all()}
        ],
        "principal_value": f"{principal_type}:{principal_uuid}",
        "principal_label": next(
            a.principal_label for a in choices if a.principal_uuid == principal_uuid
        ),
        "principal_options": [
            {"value": f"{a.principal_type}:{a.principal_uuid}", "label": a.principal_label}
            for a in choices
        ],
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        "offers_pre_review": offers_pre_review(version, Channel.WEB),
    }


SUBMIT_BUTTON, PRE_REVIEW_BUTTON = "submit", "submit_pre_review"
SUBMIT_BUTTONS = (SUBMIT_BUTTON, PRE_REVIEW_BUTTON)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """The application page: form, materials, submit."""
    version = _version(version_uuid)
    principal = _principal(request)
    principal_type, principal_uuid, _choices = principal
    user = _user(request)
    schema = form_schema_parse(version.application_form, prefix="version")
    draft = draft_for(
        actor=user,
        version_uuid=version.uuid,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
    )
    errors: list[FieldError] = []
    values: dict[str, Any] = dict(draft.form_data) if draft is not None else {}
    status = 200
    if request.method == "POST":
        done = case_submitted_with_key(user, request.POST.get("idempotency_key", ""))
        if done is not None and request.POST.get("do") in SUBMIT_BUTTONS:
            return HttpResponseRedirect(reverse("portal:my_case", args=[done.number]))
        values = form_values_posted(schema, request.POST)
        _saved, problems = draft_save(
            actor=user,
            version_uuid=version.uuid,
            principal_type=principal_type,
            principal_uuid=principal_uuid,
            form_data=values,
        )
        action = request.POST.get("do", "save")
        if action in SUBMIT_BUTTONS:
            return_to, errors = _submit(
                request, version, principal, values, pre_review=action == PRE_REVIEW_BUTTON
            )
            if return_to is not None:
                return return_to
        elif action.startswith(("upload:", "remove:", "license:", "reuse:")):
            errors = _material_change(request, version, principal, action)
            if not errors:
                url = reverse("portal:apply", args=[version.uuid])
                return HttpResponseRedirect(
                    f"{url}?principal={principal_type}:{principal_uuid}#materials"
                )
        else:
            errors = problems
            messages.info(request, _("Draft saved."))
        status = 400 if errors and action != "save" else 200
    context = _context(request, version, values=values, errors=errors, principal=principal)
    return render(request, "portal/cases/apply.html", context, status=status)


def _submit(
    request: HttpRequest,
    version: ItemVersion,
    principal: tuple[str, uuid.UUID, list[Any]],
    values: dict[str, Any],
    *,
    pre_review: bool,
) -> tuple[HttpResponse | None, list[FieldError]]:
    user = _user(request)
    current = draft_for(
        actor=user,
        version_uuid=version.uuid,
        principal_type=principal[0],
        principal_uuid=principal[1],
    )
    try:
        case, _created = case_submit(
            actor=user,
            version_uuid=version.uuid,
            principal_type=principal[0],
            principal_uuid=principal[1],
            channel="web",
            form_data=values,
            idempotency_key=request.POST.get("idempotency_key", ""),
            materials=[u.uuid for u in current.uploads.all()] if current else [],
            pre_review=pre_review,
        )
    except ValidationFailed as error:
        return None, error.errors
    if pre_review:
        messages.success(
            request,
            _(
                "Your application was sent for online pre-review. Case number: %(number)s. "
                "Come to the hall once it has passed."
            )
            % {"number": case.number},
        )
    elif (decision := case_decision(case)) is not None and decision.decided:
        messages.success(
            request,
            _(
                "Your application was submitted and decided at once by the review rules. "
                "Case number: %(number)s"
            )
            % {"number": case.number},
        )
    else:
        messages.success(
            request,
            _("Your application was submitted. Case number: %(number)s") % {"number": case.number},
        )
    return HttpResponseRedirect(reverse("portal:my_case", args=[case.number])), []


def _material_change(
    request: HttpRequest,
    version: ItemVersion,
    principal: tuple[str, uuid.UUID, list[Any]],
    action: str,
) -> list[FieldError]:
    """Upload a file for one requirement, use a license or an earlier material for it, or
    remove an upload; problems name the material."""
    user = _user(request)
    verb, _colon, rest = action.partition(":")
    target, _colon, extra = rest.partition(":")
    try:
        target_uuid = uuid.UUID(target)
    except ValueError:
        return [FieldError("materials", "materials.unknown", _("Unknown material."))]
    where = f"materials.{target_uuid}"
    try:
        if verb == "remove":
            material_upload_remove(actor=user, upload_uuid=target_uuid)
            messages.success(request, _("File removed."))
            return []
        if verb in {"license", "reuse"}:
            draft = draft_open(
                actor=user,
                version_uuid=version.uuid,
                principal_type=principal[0],
                principal_uuid=principal[1],
            )
            if verb == "license":
                material_use_license(
                    actor=user, draft=draft, requirement_uuid=target_uuid, identifier=extra
                )
            else:
                material_reuse(
                    actor=user,
                    draft=draft,
                    requirement_uuid=target_uuid,
                    upload_uuid=uuid.UUID(extra),
                )
            messages.success(request, _("Material taken from what you already have."))
            return []
        uploaded = request.FILES.get(f"file_{target_uuid}")
        if uploaded is None:
            return [FieldError(where, "file.required", _("Choose a file to upload."))]
        draft = draft_open(
            actor=user,
            version_uuid=version.uuid,
            principal_type=principal[0],
            principal_uuid=principal[1],
        )
        material_upload(actor=user, draft=draft, requirement_uuid=target_uuid, uploaded=uploaded)
    except ValidationFailed as error:
        return [FieldError(where, e.code, e.message) for e in error.errors]
    except DomainError as error:
        return [FieldError(where, "materials.refused", error.detail)]
    except ValueError:
        return [FieldError(where, "materials.unknown", _("Unknown material."))]
    messages.success(request, _("File uploaded."))
    return []


@login_required
@require_POST
def apply_fields(request: HttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """htmx: keep the draft and re-render the fields with the problems found so far."""
    version = _version(version_uuid)
    principal = _principal(request)
    schema = form_schema_parse(version.application_form, prefix="version")
    values = form_values_posted(schema, request.POST)
    _draft, problems = draft_save(
        actor=_user(request),
        version_uuid=version.uuid,
        principal_type=principal[0],
        principal_uuid=principal[1],
        form_data=values,
    )
    touched = request.headers.get("HX-Trigger-Name", "").removeprefix("f_")
    # Show a problem only for fields the user has filled in or just left.
    shown = [
        e
        for e in problems
        if values.get(e.field.removeprefix("form_data.")) or e.field == f"form_data.{touched}"
    ]
    return render(
        request,
        "catalog/_form_fields.html",
        {"rows": form_rows(schema, values, shown)},
    )


@login_required
@require_safe
def my_case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    cases = list(my_cases(user).select_related("version__handling_item")[:50])
    drafts = list(
        user.application_drafts.select_related("version__handling_item").order_by("-updated_at")[
            :20
        ]
    )
    return render(request, "portal/cases/my_cases.html", {"cases": cases, "drafts": drafts})


def _asked_materials(case: Any) -> list[dict[str, Any]]:
    """What the applicant may upload to the case now: everything the guide asks of them while
    a 补正 notice or a returned pre-review waits, else the materials pending under 容缺受理."""
    if case.state in RESEND_ACTIONS:
        return [
            {"requirement": r, "due_on": ""}
            for r in case.version.materials.filter(source=MaterialSource.APPLICANT)
        ]
    pending = {e["requirement"]: e for e in case.pending_materials if e["status"] == "pending"}
    return [
        {"requirement": r, "due_on": pending[str(r.uuid)]["due_on"]}
        for r in case.version.materials.filter(uuid__in=list(pending))
    ]


@login_required
@require_safe
def my_case_notice(request: HttpRequest, number: str, notice_uuid: uuid.UUID) -> HttpResponseBase:
    """A notice or decision of the case, as a PDF download (the applicant's side only)."""
    user = _user(request)
    case = case_for_number(number)
    if case is None or not case_visible_to(user, case):
        raise Http404(_("No such case."))
    notice = case.notices.select_related("stored_file").filter(uuid=notice_uuid).first()
    if notice is None:
        raise Http404(_("No such file."))
    return stored_file_response(notice.stored_file, download_name=f"{notice.number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    """One case: the automatic decision and its licences when the rules decided it (秒批),
    progress timeline, due dates, materials; withdrawing."""
    user = _user(request)
    case = case_for_number(number)
    if case is None or not case_visible_to(user, case):
        raise Http404(_("No such case."))
    error = ""
    action = request.POST.get("do", "") if request.method == "POST" else ""
    if action:
        try:
            if action == "withdraw":
                case_act(
                    case=case,
                    action="withdraw",
                    actor=user,
                    opinion=request.POST.get("opinion", ""),
                )
                messages.success(request, _("The application was withdrawn."))
            elif action == "resend" and case.state in RESEND_ACTIONS:
                case_act(case=case, action=RESEND_ACTIONS[case.state], actor=user)
                messages.success(request, _("The changed application was sent back."))
            elif action.startswith("supply:"):
                uploaded = request.FILES.get("file")
                if uploaded is None:
                    raise ValidationFailed(
                        [FieldError("file", "file.required", _("Choose a file to upload."))]
                    )
                case_material_supply(
                    case=case,
                    actor=user,
                    requirement_uuid=uuid.UUID(action.removeprefix("supply:")),
                    uploaded=uploaded,
                )
                messages.success(request, _("File uploaded."))
            else:
                raise Http404(_("Unknown action."))
        except ValueError:
            error = _("Unknown material.")
        except DomainError as refused:
            error = error_text(refused)
        else:
            return HttpResponseRedirect(reverse("portal:my_case", args=[case.number]))
    detail = case_detail(case)
    return render(
        request,
        "portal/cases/case.html",
        {
            "case": case,
            "detail": detail,
            "materials": list(case.materials.select_related("requirement", "stored_file")),
            "may_withdraw": case.state in TRANSITIONS["withdraw"].sources,
            "in_pre_review": case.state in PRE_REVIEW_STATES,
            "lookup_code": case_lookup_code(case.number),
            "decision": decision_shown(case, person_for_user(user)),
            "action_error": error,
            "notices": list(case.notices.select_related("seal")),
            "asked_materials": _asked_materials(case),
            "diagram": process_diagram(
                case,
                actions=detail.actions,
                names={
                    p.department.credit_code: p.department.name
                    for p in case.participants.select_related("department")
                }
                | {case.department.credit_code: case.department.name},
            ),
        },
        status=400 if error else 200,
    )
