"""Window intake (窗口收件): a clerk takes a walk-in applicant's application in the same system.

First the clerk checks the applicant's identity document and enters the ID number with the
item. A walk-in who has no account yet is registered on the spot (name as on the document and a
mobile number; no password — they sign in later with an SMS code). Then one page holds the
application form of the guide version and a file input per material: what the clerk enters is
kept as the clerk's draft for that applicant, files are stored as they are uploaded, and
submitting creates the case through ``case_submit(..., at_window=True)`` — the same rules as
online, channel ``window`` — and opens it in the workbench, where it can be accepted at once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.cases.models import Channel
from govhall.cases.selectors import case_submitted_with_key, window_versions
from govhall.cases.services.drafts import draft_for, draft_save, material_upload
from govhall.cases.services.submission import case_submit, published_version
from govhall.catalog.application_forms import form_schema_parse
from govhall.catalog.form_pages import form_rows, form_values_posted
from govhall.catalog.models import ItemVersion, MaterialSource
from govhall.core.errors import DomainError, FieldError, ValidationFailed, error_text
from govhall.core.identifiers import check_id_number
from govhall.identity.models import Person
from govhall.identity.selectors import person_find_by_id_number
from govhall.identity.services import person_register
from govhall.workbench.access import staff_user, workbench_page

#: At most this many items in the choice (a department's own items are far fewer).
MAX_ITEMS = 500
PRINCIPAL = "person"


@workbench_page
@require_http_methods(["GET"])
def window_start(request: HttpRequest) -> HttpResponse:
    """The applicant's ID number (document checked) and the item; on to the application."""
    user = staff_user(request)
    versions = list(window_versions(user)[:MAX_ITEMS])
    errors: dict[str, str] = {}
    id_number = request.GET.get("id_number", "").strip()
    chosen = request.GET.get("version", "")
    unregistered = False
    if "id_number" in request.GET:
        check = check_id_number(id_number)
        if check.errors:
            errors["id_number"] = str(check.errors[0].message)
        person = None if check.errors else person_find_by_id_number(check.value)
        if not check.errors and person is None:
            unregistered = True
            errors["id_number"] = _("No account has this ID number: register the applicant below.")
        version = next((v for v in versions if str(v.uuid) == chosen), None)
        if version is None:
            errors["version"] = _("Choose an item this window takes.")
        if not errors and person is not None and version is not None:
            return HttpResponseRedirect(
                reverse("workbench:window_apply", args=[version.uuid, person.uuid])
            )
    return _start_page(
        request, versions, id_number, chosen, errors, unregistered=unregistered, register={}
    )


def _start_page(
    request: HttpRequest,
    versions: list[ItemVersion],
    id_number: str,
    chosen: str,
    errors: dict[str, str],
    *,
    unregistered: bool,
    register: dict[str, Any],
) -> HttpResponse:
    return render(
        request,
        "workbench/window_start.html",
        {
            "nav": "window",
            "versions": versions,
            "id_number": id_number,
            "chosen": chosen,
            "errors": errors,
            "unregistered": unregistered,
            "register": register,
        },
        status=400 if errors else 200,
    )


@workbench_page
@require_http_methods(["POST"])
def window_register(request: HttpRequest) -> HttpResponse:
    """Register a walk-in applicant whose identity document the clerk checked, then go on to
    the application (or back to the first step without a chosen item)."""
    user = staff_user(request)
    id_number = request.POST.get("id_number", "").strip()
    chosen = request.POST.get("version", "")
    fields = {key: request.POST.get(key, "").strip() for key in ("name", "mobile")}
    try:
        person = person_register(
            name=fields["name"],
            id_number=id_number,
            mobile=fields["mobile"],
            password=None,
            actor=user,
        )
    except ValidationFailed as error:
        return _start_page(
            request,
            list(window_versions(user)[:MAX_ITEMS]),
            id_number,
            chosen,
            {"register": "1"},
            unregistered=True,
            register={**fields, "errors": {e.field: str(e.message) for e in error.errors}},
        )
    messages.success(
        request,
        _("%(name)s is registered; they can sign in with an SMS code to their mobile number.")
        % {"name": person.name},
    )
    try:
        version = window_versions(user).filter(uuid=uuid.UUID(chosen)).first()
    except ValueError:
        version = None
    if version is None:
        return HttpResponseRedirect(
            reverse("workbench:window") + "?" + urlencode({"id_number": id_number})
        )
    return HttpResponseRedirect(reverse("workbench:window_apply", args=[version.uuid, person.uuid]))


def _applicant(person_uuid: uuid.UUID) -> Person:
    person = Person.objects.filter(uuid=person_uuid).first()
    if person is None:
        raise Http404(_("No such person: register the applicant first."))
    return person


def _version(version_uuid: uuid.UUID) -> ItemVersion:
    try:
        return published_version(version_uuid)
    except DomainError as error:
        raise Http404(str(error.detail)) from error


@workbench_page
@require_http_methods(["GET", "POST"])
def window_apply(
    request: HttpRequest, version_uuid: uuid.UUID, person_uuid: uuid.UUID
) -> HttpResponse:
    """The application of one walk-in applicant for one item: form, materials, submit."""
    user = staff_user(request)
    version = _version(version_uuid)
    person = _applicant(person_uuid)
    if not window_versions(user).filter(pk=version.pk).exists():
        return render(request, "workbench/forbidden.html", status=403)
    schema = form_schema_parse(version.application_form, prefix="version")
    draft = draft_for(
        actor=user, version_uuid=version.uuid, principal_type=PRINCIPAL, principal_uuid=person.uuid
    )
    values: dict[str, Any] = dict(draft.form_data) if draft is not None else {}
    errors: list[FieldError] = []
    if request.method == "POST":
        done = case_submitted_with_key(user, request.POST.get("idempotency_key", ""))
        if done is not None:
            return HttpResponseRedirect(reverse("workbench:case", args=[done.number]))
        values = form_values_posted(schema, request.POST)
        draft, _problems = draft_save(
            actor=user,
            version_uuid=version.uuid,
            principal_type=PRINCIPAL,
            principal_uuid=person.uuid,
            form_data=values,
        )
        errors = _uploads(request, user, draft, version)
        if not errors:
            try:
                case, _created = case_submit(
                    actor=user,
                    version_uuid=version.uuid,
                    principal_type=PRINCIPAL,
                    principal_uuid=person.uuid,
                    channel=Channel.WINDOW,
                    form_data=values,
                    idempotency_key=request.POST.get("idempotency_key", ""),
                    materials=[upload.uuid for upload in draft.uploads.all()],
                    at_window=True,
                )
            except ValidationFailed as refused:
                errors = refused.errors
            except DomainError as refused:
                errors = [FieldError("", "refused", error_text(refused))]
            else:
                messages.success(
                    request,
                    _("The application was taken at the window. Case number: %(number)s")
                    % {"number": case.number},
                )
                return HttpResponseRedirect(reverse("workbench:case", args=[case.number]))
    uploads = []
    if draft is not None:
        uploads = list(draft.uploads.select_related("requirement", "stored_file"))
    requirements = list(version.materials.filter(source=MaterialSource.APPLICANT))
    at_material = {f"materials.{r.uuid}" for r in requirements}
    material_errors = {e.field: str(e.message) for e in errors if e.field in at_material}
    field_keys = {f.key for f in schema.fields}
    return render(
        request,
        "workbench/window_apply.html",
        {
            "nav": "window",
            "version": version,
            "item": version.handling_item,
            "person": person,
            "rows": form_rows(schema, values, errors),
            "materials": [
                {
                    "requirement": requirement,
                    "uploads": [u for u in uploads if u.requirement_id == requirement.pk],
                    "error": material_errors.get(f"materials.{requirement.uuid}", ""),
                }
                for requirement in requirements
            ],
            "general_errors": [
                str(e.message)
                for e in errors
                if e.field not in field_keys and e.field not in at_material
            ],
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "start_url": reverse("workbench:window")
            + "?"
            + urlencode({"version": str(version.uuid)}),
        },
        status=400 if errors else 200,
    )


def _uploads(request: HttpRequest, user: Any, draft: Any, version: ItemVersion) -> list[FieldError]:
    """Store the files chosen on the page, each for its material; a refused file is reported
    at its material (the others are kept)."""
    errors: list[FieldError] = []
    for requirement in version.materials.filter(source=MaterialSource.APPLICANT):
        uploaded = request.FILES.get(f"file_{requirement.uuid}")
        if uploaded is None:
            continue
        try:
            material_upload(
                actor=user, draft=draft, requirement_uuid=requirement.uuid, uploaded=uploaded
            )
        except ValidationFailed as refused:
            errors.append(
                FieldError(
                    f"materials.{requirement.uuid}",
                    refused.errors[0].code,
                    f"{requirement.name}: {refused.errors[0].message}",
                )
            )
    return errors
