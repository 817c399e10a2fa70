"""The object-level permission matrix: every URL of the project — portal, workbench, the JSON
API, the OpenID Connect provider and the Django admin — asked for the objects of one world
(``permission_world``) by eleven callers, each answer recorded exactly.

The house rule: an object of another principal, department or region answers 404 (the admin:
the same redirect as an object that does not exist), never 403, so identifiers cannot be
probed. A 403 is only ever a role gate that answers the same for every identifier (a citizen
on a staff page). Lists are checked by what they show: the owner's objects appear only for the
callers that may see them.

A URL pattern (or an API operation, or an admin page of a model) that is not declared below
fails :func:`test_every_url_is_declared`: no page ships without deciding who sees what.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from govhall.api.tests.test_permission_matrix import CASE_ACTIONS_APPLICANT, CASE_ACTIONS_STAFF
from govhall.api.urls import api
from govhall.cases.models import ApplicationDraft, Case, CaseAction, MaterialUpload
from govhall.cases.tests.conftest import clerk, new_case, other_clerk, version, zhang  # noqa: F401
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.core.models import AuditRecord
from govhall.core.tests.permission_world import CALLERS, World, world  # noqa: F401
from govhall.identity.models import Mandate, Passkey, PersonalAccessToken
from govhall.licenses.models import LicenseShare
from govhall.licenses.tests.conftest import bureau, food_license_type  # noqa: F401
from govhall.notifications.models import Notification
from govhall.rules.models import ItemAutomation, RuleSet

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the portal's sign-in page
ADMIN_LOGIN = "admin_login"  # 302 to the admin's sign-in (which sends on to the portal's)
ADMIN_INDEX = "admin_index"  # 302 to the admin index: "no such object" (Django's admin)
REDIRECT = "redirect"  # any other 302
Outcome = int | str

CITIZENS = ("other_citizen", "owner", "agent", "agent_other_item", "agent_revoked")
STAFF = ("clerk", "clerk_other_department", "clerk_other_county", "supervisor", "admin")


def answers(default: Outcome, **by_caller: Outcome) -> dict[str, Outcome]:
    """Every caller's outcome: ``default`` unless named (``citizens=``/``staff=`` name all)."""
    result = dict.fromkeys(CALLERS, default)
    for group, members in (("citizens", CITIZENS), ("staff", STAFF)):
        if group in by_caller:
            result.update(dict.fromkeys(members, by_caller.pop(group)))
    unknown = set(by_caller) - set(CALLERS)
    assert not unknown, unknown
    result.update(by_caller)
    return result


PUBLIC = answers(200)
SIGNED_IN = answers(200, anonymous=LOGIN)
#: The applicant's side and the staff who process it; 404 for everyone else.
THE_CASE = answers(
    404,
    anonymous=LOGIN,
    owner=200,
    agent=200,
    clerk=200,
    supervisor=200,
    admin=200,
)
#: Only the owner (the holder of a licence, the owner of a token); 404 for everyone else.
OWNER_ONLY = answers(404, anonymous=LOGIN, owner=200)
#: Workbench pages for processing staff (a 403 page for accounts without the role).
WORKBENCH = answers(
    403, anonymous=LOGIN, clerk=200, clerk_other_department=200, clerk_other_county=200, admin=200
)
#: A workbench object of the right department: others' staff get 404.
WORKBENCH_OBJECT = {**WORKBENCH, "clerk_other_department": 404, "clerk_other_county": 404}
CASE_IN_WORKBENCH = {**WORKBENCH_OBJECT, "supervisor": 200}
POST_ONLY = answers(405, anonymous=LOGIN)


@dataclass(frozen=True)
class Page:
    """One URL pattern: the outcome of a GET per caller, and what a list shows to whom."""

    outcome: dict[str, Outcome]
    #: Parameter values beyond :func:`values` (name → attribute path on the world).
    params: dict[str, str] = field(default_factory=dict)
    #: (text of the world's object on the page, the callers who see it).
    shows: tuple[str, frozenset[str]] | None = None


def sees(marker: str, *callers: str) -> tuple[str, frozenset[str]]:
    return marker, frozenset(callers)


PAGES: dict[str, Page] = {
    # portal: public pages (the catalog; objects of nobody)
    "": Page(PUBLIC),
    "search/": Page(PUBLIC),
    "items/<str:implementation_code>/": Page(PUBLIC),
    "items/<str:implementation_code>/print/": Page(PUBLIC),
    "items/<str:implementation_code>/guide.pdf": Page(PUBLIC),
    "intermediaries/": Page(PUBLIC),
    "intermediaries/<str:code>/": Page(answers(404)),  # the world has none
    "agencies/": Page(PUBLIC),
    "materials/<uuid:material_uuid>/<str:kind>": Page(answers(404)),  # no blank form: 404
    "cases/lookup/": Page(PUBLIC),
    "licenses/verify/": Page(PUBLIC),
    # public verification shows the licence to anyone holding its identifier (it is printed
    # on the licence); what it shows is tested in portal/tests/test_license_verify_page.py
    "licenses/verify/<str:identifier>/": Page(PUBLIC),
    "i18n/setlang/": Page(answers(REDIRECT)),
    "health/live": Page(PUBLIC),
    "health/ready": Page(PUBLIC),
    # portal: sign-in and account
    "account/sign-in/": Page(PUBLIC),
    "account/sign-out/": Page(answers(405)),
    "account/register/": Page(PUBLIC),
    # the second step of a sign-in: without a first step, back to the sign-in page
    "account/sign-in/passkey/": Page(answers(LOGIN)),
    "account/passkeys/enrol/": Page(SIGNED_IN),
    "account/": Page(SIGNED_IN, shows=sees("token_name", "owner")),
    "account/verify/mobile/": Page(POST_ONLY),
    "account/verify/population/": Page(POST_ONLY),
    "account/organizations/": Page(POST_ONLY),
    "account/mandates/new/": Page(answers(200, anonymous=LOGIN, staff=REDIRECT)),
    "account/mandates/<uuid:mandate_uuid>/revoke/": Page(POST_ONLY),
    "account/tokens/": Page(POST_ONLY),
    "account/tokens/<uuid:token_uuid>/revoke/": Page(POST_ONLY),
    # portal: applying, my cases, notifications, my licences
    "apply/<uuid:version_uuid>/": Page(answers(200, anonymous=LOGIN, staff=404)),
    "apply/<uuid:version_uuid>/fields/": Page(POST_ONLY),
    # an agent's list is their own applications: the principal's cases open by number
    "my/cases/": Page(SIGNED_IN, shows=sees("case_number", "owner")),
    "my/cases/<str:number>/": Page(THE_CASE),
    "my/cases/<str:number>/notices/<uuid:notice_uuid>/": Page(THE_CASE),
    "my/notifications/": Page(SIGNED_IN, shows=sees("notification_title", "owner")),
    "my/licenses/": Page(
        answers(200, anonymous=LOGIN, staff=404), shows=sees("license_number", "owner")
    ),
    "my/licenses/<str:identifier>/pdf/": Page(OWNER_ONLY),
    "my/licenses/<str:identifier>/share/": Page(OWNER_ONLY),
    "my/licenses/<str:identifier>/share/<uuid:share_uuid>/withdraw/": Page(POST_ONLY),
    # workbench
    "workbench/cases/": Page(WORKBENCH, shows=sees("case_number", "clerk", "admin")),
    "workbench/cases/<str:number>/": Page(CASE_IN_WORKBENCH),
    "workbench/cases/<str:number>/materials/<uuid:upload_uuid>/": Page(CASE_IN_WORKBENCH),
    "workbench/licenses/": Page(WORKBENCH, shows=sees("license_number", "clerk", "admin")),
    "workbench/licenses/new/": Page(WORKBENCH),
    "workbench/licenses/shared/": Page(WORKBENCH, shows=sees("license_number", "clerk")),
    # shared with the department: its staff only (an administrator has no department)
    "workbench/licenses/shared/<uuid:share_uuid>/": Page({**WORKBENCH_OBJECT, "admin": 404}),
    "workbench/licenses/shared/<uuid:share_uuid>/pdf/": Page({**WORKBENCH_OBJECT, "admin": 404}),
    "workbench/licenses/<str:identifier>/": Page(WORKBENCH_OBJECT),
    "workbench/licenses/<str:identifier>/pdf/": Page(WORKBENCH_OBJECT),
    "workbench/reports/material-reuse/": Page(WORKBENCH),
    "workbench/rules/": Page(WORKBENCH, shows=sees("handling_name", "clerk", "admin")),
    "workbench/rules/new/<uuid:version_uuid>/": Page(WORKBENCH_OBJECT),
    "workbench/rules/items/<str:identifier>/automation/": Page(
        {
            **WORKBENCH,
            "clerk": 405,
            "clerk_other_department": 405,
            "clerk_other_county": 405,
            "admin": 405,
        },
        params={"identifier": "version.handling_item.handling_code"},
    ),
    "workbench/rules/<uuid:rule_set_uuid>/": Page(WORKBENCH_OBJECT),
    "workbench/rules/<uuid:rule_set_uuid>/edit/": Page(WORKBENCH_OBJECT),
    "workbench/rules/<uuid:rule_set_uuid>/dmn/": Page(WORKBENCH_OBJECT),
    "workbench/spot-checks/": Page(answers(403, anonymous=LOGIN, supervisor=200, admin=200)),
    "workbench/window/": Page(WORKBENCH),
    "workbench/window/register/": Page(
        {
            **WORKBENCH,
            "clerk": 405,
            "clerk_other_department": 405,
            "clerk_other_county": 405,
            "admin": 405,
        }
    ),
    # A published guide version is public (the portal shows it): another department's clerk
    # is told they may not take the item (403, workbench/tests/test_workbench_window.py).
    "workbench/window/<uuid:version_uuid>/<uuid:person_uuid>/": Page(
        {**WORKBENCH, "clerk_other_department": 403, "clerk_other_county": 403}
    ),
}

#: The OpenID Connect provider: no object in its URLs; what it shows is the signed-in
#: user's own (userinfo needs a bearer token of a connected system, identity/tests/test_oidc).
OIDC_PAGES: dict[str, Page] = {
    "o/authorize/": Page(answers(400, anonymous=LOGIN)),
    "o/token/": Page(answers(405)),
    "o/revoke_token/": Page(answers(405)),
    "o/introspect/": Page(answers(403)),
    r"o/^\.well-known/openid-configuration/?$": Page(PUBLIC),
    "o/.well-known/jwks.json": Page(PUBLIC),
    "o/userinfo/": Page(answers(401)),
    "o/logout/": Page(answers(200, anonymous=REDIRECT)),
}

#: The API: the GET operations in the read matrix; the others in ``WRITES``.
API_READS: dict[str, Page] = {
    "/api/v1/calendar/working-days/add": Page(answers(422)),
    "/api/v1/catalog/items": Page(PUBLIC),
    "/api/v1/catalog/items/{implementation_code}": Page(PUBLIC),
    "/api/v1/identity/me": Page(answers(200, anonymous=401, staff=404)),
    "/api/v1/identity/me/sign-ins": Page(answers(200, anonymous=401)),
    "/api/v1/identity/me/principals": Page(
        answers(200, anonymous=401), shows=sees("owner_uuid", "owner", "agent", "agent_other_item")
    ),
    "/api/v1/identity/organizations": Page(answers(200, anonymous=401)),
    "/api/v1/identity/mandates": Page(
        answers(200, anonymous=401),
        shows=sees("mandate_uuid", "owner", "agent"),
    ),
    "/api/v1/identity/tokens": Page(answers(200, anonymous=401), shows=sees("token_uuid", "owner")),
    "/api/v1/identity/passkeys/": Page(
        answers(200, anonymous=401), shows=sees("passkey_uuid", "owner")
    ),
    "/api/v1/cases/": Page(answers(200, anonymous=401), shows=sees("case_number", "owner")),
    "/api/v1/cases/queue/counts": Page(answers(200, anonymous=401)),
    "/api/v1/cases/{number}": Page({**THE_CASE, "anonymous": 401}),
    "/api/v1/licenses/verify/{identifier}": Page(PUBLIC),
    "/api/v1/licenses/seals/{key_sm3}.pem": Page(answers(404)),
    "/api/v1/notifications/": Page(
        answers(200, anonymous=401), shows=sees("notification_uuid", "owner")
    ),
}
#: The API's own documents.
API_DOCUMENTS = {"api/v1/openapi.json": Page(PUBLIC), "api/v1/docs": Page(PUBLIC)}


# --- the admin ------------------------------------------------------------------------------

#: Models whose admin pages the world fills with one of its objects: (attribute path on the
#: world, outcome of its change page per caller, who sees it in the list). Out-of-scope staff
#: are sent to the admin index exactly as for an object that does not exist.
ADMIN_SIGN_IN: dict[str, Outcome] = dict.fromkeys(("anonymous", *CITIZENS), ADMIN_LOGIN)
SCOPED: dict[str, Outcome] = {
    **ADMIN_SIGN_IN,
    "clerk": 200,
    "clerk_other_department": ADMIN_INDEX,
    "clerk_other_county": ADMIN_INDEX,
    "supervisor": 200,
    "admin": 200,
}
#: Persons and mandates have no region or department: staff with the view permission see
#: them province-wide (window clerks check walk-ins and their agents; ID numbers are masked
#: and revealing one is audited).
PROVINCE_WIDE: dict[str, Outcome] = {**ADMIN_SIGN_IN, **dict.fromkeys(STAFF, 200)}
ADMIN_ONLY: dict[str, Outcome] = {**ADMIN_SIGN_IN, **dict.fromkeys(STAFF, 403), "admin": 200}
ADMIN_OBJECTS: dict[str, tuple[str, dict[str, Outcome], frozenset[str]]] = {
    "cases.case": ("case", SCOPED, frozenset({"clerk", "supervisor", "admin"})),
    "licenses.license": ("license", SCOPED, frozenset({"clerk", "supervisor", "admin"})),
    "rules.ruleset": ("rule_set", SCOPED, frozenset({"clerk", "supervisor", "admin"})),
    "catalog.itemversion": ("version", SCOPED, frozenset({"clerk", "supervisor", "admin"})),
    "identity.person": ("owner", PROVINCE_WIDE, frozenset(STAFF)),
    "identity.mandate": ("mandate", PROVINCE_WIDE, frozenset(STAFF)),
    "identity.personalaccesstoken": ("token", ADMIN_ONLY, frozenset({"admin"})),
    "identity.user": ("owner.user", ADMIN_ONLY, frozenset({"admin"})),
    "archive.storedfile": ("case_upload.stored_file", ADMIN_ONLY, frozenset({"admin"})),
    "notifications.notification": ("notification", ADMIN_ONLY, frozenset({"admin"})),
}
#: Registered models the world has no object of: their pages are declared by family (the
#: sign-in gate is checked for each); the scoping of their lists is each app's admin test.
ADMIN_WITHOUT_WORLD_OBJECT = {
    "auth.group",
    "core.region",
    "core.department",
    "core.calendaryear",
    "core.auditrecord",
    "core.outboxevent",
    "django_tasks_database.dbtaskresult",
    "identity.organization",
    "identity.proxyagent",
    "identity.signinattempt",
    "identity.connectedsystem",
    "archive.archivevolume",
    "catalog.itemtype",
    "catalog.theme",
    "catalog.baseitem",
    "catalog.implementation",
    "catalog.handlingitem",
    "catalog.publication",
    "catalog.intermediaryservice",
    "catalog.agency",
    "catalog.expert",
    "licenses.licenseimport",
    "licenses.seal",
    "licenses.licensetype",
    "rules.itemautomation",
    "cases.versionprocess",
    # django-oauth-toolkit's own models (registered by the package)
    "oauth2_provider.application",
    "oauth2_provider.accesstoken",
    "oauth2_provider.grant",
    "oauth2_provider.idtoken",
    "oauth2_provider.refreshtoken",
}
#: The admin site's own pages (no object; and the index of each app).
ADMIN_SITE_PAGES = {
    "admin/",
    "admin/login/",
    "admin/logout/",
    "admin/password_change/",
    "admin/password_change/done/",
    "admin/autocomplete/",
    "admin/jsi18n/",
    "admin/r/<path:content_type_id>/<path:object_id>/",
    "admin/(?P<url>.*)$",
}


# --- filling the URLs -----------------------------------------------------------------------


def attribute(the_world: World, path: str) -> Any:
    value: Any = the_world
    for name in path.split("."):
        value = getattr(value, name)
    return value


def values(w: World) -> dict[str, str]:
    """The world's value for each parameter name used in the URL patterns."""
    return {
        "implementation_code": w.version.handling_item.implementation.implementation_code,
        "code": "nonexistent-intermediary",
        "mandate_uuid": str(w.mandate.uuid),
        "token_uuid": str(w.token.uuid),
        "passkey_uuid": str(w.passkey.uuid),
        "version_uuid": str(w.version.uuid),
        "person_uuid": str(w.owner.uuid),
        "number": w.case.number,
        "notice_uuid": str(w.notice.uuid),
        "material_uuid": str(w.version.materials.order_by("order")[0].uuid),
        "kind": "blank",
        "identifier": w.license.identifier,
        "share_uuid": str(w.share.uuid),
        "upload_uuid": str(w.case_upload.uuid),
        "rule_set_uuid": str(w.rule_set.uuid),
        "notification_uuid": str(w.notification.uuid),
        "key_sm3": "0" * 64,
    }


def markers(w: World) -> dict[str, str]:
    return {
        "case_number": w.case.number,
        "license_number": w.license.number,
        "token_name": w.token.name,
        "notification_title": w.notification.title,
        "handling_name": w.version.handling_item.name,
        "owner_uuid": str(w.owner.uuid),
        "mandate_uuid": str(w.mandate.uuid),
        "token_uuid": str(w.token.uuid),
        "passkey_uuid": str(w.passkey.uuid),
        "notification_uuid": str(w.notification.uuid),
    }


def fill(route: str, given: dict[str, str]) -> str:
    """``route`` (a Django route or an OpenAPI path) with its parameters filled in."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: given[m.group(1)], route)
    path = re.sub(r"\{(\w+)\}", lambda m: given[m.group(1)], path)
    return path if path.startswith("/") else "/" + path


def outcome_of(response: Any) -> Outcome:
    if response.status_code != 302:
        return int(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("portal:sign_in")):
        return LOGIN
    if location.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    if location == reverse("admin:index"):
        return ADMIN_INDEX
    return REDIRECT


def routes() -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern of the project, with its full route."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    yield from walk(get_resolver(), "")


def api_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }


def admin_model_of(route: str) -> str | None:
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def test_every_url_is_declared() -> None:
    """A new page, API operation or admin model fails here until the matrix says who may
    see what of it."""
    undeclared = []
    api_paths = {path for _method, path in api_operations()}
    for route, _pattern in routes():
        if route.startswith("api/v1/"):
            if route in API_DOCUMENTS or route == "api/v1/":
                continue
            path = "/" + re.sub(r"<(\w+)>", r"{\1}", route)
            if path not in api_paths:
                undeclared.append(route)
        elif route.startswith("admin/"):
            model = admin_model_of(route)
            if route.startswith("admin/^(?P<app_label>"):
                continue  # the index of each app
            if route not in ADMIN_SITE_PAGES and (
                model not in ADMIN_OBJECTS and model not in ADMIN_WITHOUT_WORLD_OBJECT
            ):
                undeclared.append(route)
        elif route not in PAGES and route not in OIDC_PAGES:
            undeclared.append(route)
    assert undeclared == []
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_OBJECTS) | ADMIN_WITHOUT_WORLD_OBJECT
    declared_api = {("GET", path) for path in API_READS} | set(WRITES_API)
    # declared ⊇ present: pages declared ahead of a colleague's commit are skipped until then
    assert api_operations() <= declared_api


def check(
    clients: dict[str, Client],
    url: str,
    page: Page,
    text: dict[str, str],
    problems: list[str],
    request: Callable[[Client, str], Any] | None = None,
) -> int:
    for caller in CALLERS:
        client = clients[caller]
        response = request(client, url) if request else client.get(url)
        got = outcome_of(response)
        if got != page.outcome[caller]:
            problems.append(f"{url} {caller}: {got}, expected {page.outcome[caller]}")
        if page.shows is not None and response.status_code == 200:
            marker, who = page.shows
            shown = text[marker] in response.content.decode()
            if shown != (caller in who):
                problems.append(f"{url} {caller}: {marker} {'shown' if shown else 'missing'}")
    return len(CALLERS)


def test_every_page_and_api_read_answers_each_caller_as_declared(world: World) -> None:  # noqa: F811 - the fixture
    clients = {caller: world.client(caller) for caller in CALLERS}
    given, text = values(world), markers(world)
    problems: list[str] = []
    checked = 0
    present = {route for route, _pattern in routes()}
    for route, page in {**PAGES, **OIDC_PAGES, **API_DOCUMENTS}.items():
        if route not in present:
            continue
        params = {**given, **{k: str(attribute(world, v)) for k, v in page.params.items()}}
        url = fill(
            route.replace(
                r"^\.well-known/openid-configuration/?$", ".well-known/openid-configuration"
            ),
            params,
        )
        checked += check(clients, url, page, text, problems)
    for path, page in API_READS.items():
        checked += check(clients, fill(path, given), page, text, problems)
    assert problems == [], "\n".join(problems)
    assert checked >= len(CALLERS) * 80


# --- writes ---------------------------------------------------------------------------------


def snapshot(w: World) -> dict[str, Any]:
    """Everything a refused write might have changed."""
    case = Case.objects.get(pk=w.case.pk)
    return {
        "audit": AuditRecord.objects.count(),
        "case": (case.state, case.updated_at, case.assignee_id),
        "cases": Case.objects.count(),
        "actions": CaseAction.objects.count(),
        "uploads": MaterialUpload.objects.count(),
        "drafts": ApplicationDraft.objects.count(),
        "mandates": list(Mandate.objects.values_list("uuid", "revoked_at").order_by("pk")),
        "tokens": list(PersonalAccessToken.objects.values_list("uuid", "revoked_at")),
        "passkeys": list(Passkey.objects.values_list("uuid", "name").order_by("pk")),
        "read": list(Notification.objects.values_list("uuid", "read_at").order_by("pk")),
        "shares": list(LicenseShare.objects.values_list("uuid", "revoked_at").order_by("pk")),
        "rule_sets": list(RuleSet.objects.values_list("uuid", "updated_at").order_by("pk")),
        "automation": list(ItemAutomation.objects.values_list("pk", "updated_at")),
    }


@dataclass(frozen=True)
class Write:
    """A state-changing request: who may make it (not exercised: each app's tests do), and the
    exact refusal every other caller gets — with nothing changed."""

    method: str
    route: str
    allowed: frozenset[str]
    refusals: dict[str, Outcome]
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    params: dict[str, str] = field(default_factory=dict)


#: The exact refusal of each write per caller (``GOVHALL_MATRIX_RECORD=1`` rewrites it from
#: what the code answers; review the diff: a 200/302 or a 403 where 404 is the rule is a leak).
WRITES_RECORDED = Path(__file__).with_name("permission_matrix_writes.json")


def refused(default: Outcome, **by_caller: Outcome) -> dict[str, Outcome]:
    return answers(default, **by_caller)


APPLICANT_SIDE = frozenset({"owner", "agent"})
OWNER = frozenset({"owner"})
#: The principal, the agent (renouncing it) and staff with ``identity.change_mandate``.
MANDATE_PARTIES = frozenset({"owner", "agent", "admin"})
PROCESSING_STAFF = frozenset({"clerk", "admin"})
ALL_SIGNED_IN = frozenset(CALLERS) - {"anonymous"}


def _requirement(the_world: World) -> dict[str, Any]:
    requirement = the_world.version.materials.filter(source="applicant").first()
    assert requirement is not None
    return {"do": f"supply:{requirement.uuid}"}


PAGE_WRITES: list[Write] = [
    Write("POST", "my/cases/<str:number>/", APPLICANT_SIDE, {}, lambda w: {"do": "withdraw"}),
    Write("POST", "my/cases/<str:number>/", APPLICANT_SIDE, {}, _requirement),
    Write("POST", "account/mandates/<uuid:mandate_uuid>/revoke/", MANDATE_PARTIES, {}),
    Write("POST", "account/tokens/<uuid:token_uuid>/revoke/", OWNER, {}),
    Write(
        "POST",
        "my/notifications/",
        OWNER,
        {},
        lambda w: {"notification": str(w.notification.uuid)},
    ),
    Write(
        "POST",
        "my/licenses/<str:identifier>/share/",
        OWNER,
        {},
        lambda w: {"department": w.case.department_id, "purpose": "资格审查", "days": 10},
    ),
    Write("POST", "my/licenses/<str:identifier>/share/<uuid:share_uuid>/withdraw/", OWNER, {}),
    Write(
        "POST", "workbench/cases/<str:number>/", PROCESSING_STAFF, {}, lambda w: {"action": "claim"}
    ),
    Write(
        "POST",
        "workbench/cases/<str:number>/",
        PROCESSING_STAFF,
        {},
        lambda w: {"action": "suspend", "opinion": "等待入户调查"},
    ),
    Write("POST", "workbench/rules/<uuid:rule_set_uuid>/edit/", PROCESSING_STAFF, {}),
    Write(
        "POST",
        "workbench/rules/items/<str:identifier>/automation/",
        PROCESSING_STAFF,
        {},
        lambda w: {"do": "manual", "reason": "人工审核"},
        params={"identifier": "version.handling_item.handling_code"},
    ),
    Write(
        "POST",
        "workbench/licenses/<str:identifier>/",
        PROCESSING_STAFF,
        {},
        lambda w: {"kind": "revoke", "reason": "撤销"},
    ),
    Write(
        "POST",
        "workbench/window/<uuid:version_uuid>/<uuid:person_uuid>/",
        PROCESSING_STAFF,
        {},
        lambda w: {"idempotency_key": "matrix"},
    ),
]

#: Every API operation that is not a GET. Operations that make something of the caller's
#: own (a registration, a token, a draft upload) are exercised with an empty body.
WRITES_API: dict[tuple[str, str], Write] = {}


def _api_write(method: str, path: str, allowed: frozenset[str]) -> None:
    WRITES_API[(method, path)] = Write(method, path, allowed, {})


for _method, _path, _allowed in [
    ("POST", "/api/v1/identity/register", frozenset()),
    ("POST", "/api/v1/identity/me/verify/population", frozenset(CITIZENS)),  # their own
    ("POST", "/api/v1/identity/organizations", frozenset()),
    ("POST", "/api/v1/identity/mandates", frozenset()),
    ("POST", "/api/v1/identity/mandates/{mandate_uuid}/revoke", MANDATE_PARTIES),
    ("POST", "/api/v1/identity/tokens", frozenset()),
    ("DELETE", "/api/v1/identity/tokens/{token_uuid}", OWNER),
    ("POST", "/api/v1/identity/passkeys/register/options", frozenset()),
    ("POST", "/api/v1/identity/passkeys/register/verify", frozenset()),
    ("POST", "/api/v1/identity/passkeys/sign-in/options", frozenset()),
    ("POST", "/api/v1/identity/passkeys/sign-in/verify", frozenset()),
    ("POST", "/api/v1/identity/passkeys/second-factor/options", frozenset()),
    ("POST", "/api/v1/identity/passkeys/second-factor/verify", frozenset()),
    ("PATCH", "/api/v1/identity/passkeys/{passkey_uuid}", OWNER),
    ("DELETE", "/api/v1/identity/passkeys/{passkey_uuid}", OWNER),
    ("POST", "/api/v1/cases/", frozenset()),
    ("POST", "/api/v1/cases/uploads", frozenset()),
    ("DELETE", "/api/v1/cases/uploads/{upload_uuid}", OWNER),
    ("POST", "/api/v1/cases/{number}/assign", PROCESSING_STAFF),
    ("POST", "/api/v1/cases/bulk", frozenset()),
    ("POST", "/api/v1/cases/window", frozenset()),
    ("POST", "/api/v1/cases/{number}/materials", APPLICANT_SIDE),
    ("POST", "/api/v1/notifications/{notification_uuid}/read", OWNER),
]:
    _api_write(_method, _path, _allowed)
for _action in CASE_ACTIONS_STAFF:
    _api_write("POST", f"/api/v1/cases/{{number}}/actions/{_action}", PROCESSING_STAFF)
for _action in CASE_ACTIONS_APPLICANT:
    _api_write("POST", f"/api/v1/cases/{{number}}/actions/{_action}", APPLICANT_SIDE)


def test_refused_writes_change_nothing(world: World) -> None:  # noqa: F811 - the fixture
    clients = {caller: world.client(caller) for caller in CALLERS}
    given = values(world)
    # the draft upload is the owner's: "upload_uuid" of the API is that one
    api_given = {**given, "upload_uuid": str(world.draft_upload.uuid)}
    problems: list[str] = []
    recorded: dict[str, dict[str, Outcome]] = {}
    exercised = 0
    present = {path for _method, path in api_operations()}
    for write in [*PAGE_WRITES, *WRITES_API.values()]:
        is_api = write.route.startswith("/api/")
        if is_api and write.route not in present:
            continue
        params = {**(api_given if is_api else given)}
        params.update({k: str(attribute(world, v)) for k, v in write.params.items()})
        url = fill(write.route, params)
        data = write.data(world)
        row: dict[str, Outcome] = {}
        for caller in CALLERS:
            if caller in write.allowed:
                continue
            before = snapshot(world)
            client = clients[caller]
            if is_api:
                response = client.generic(
                    write.method, url, json.dumps(data), content_type="application/json"
                )
            else:
                response = client.post(url, data)
            exercised += 1
            row[caller] = outcome_of(response)
            after = snapshot(world)
            if after != before:
                changed = [key for key in before if before[key] != after[key]]
                problems.append(f"{write.method} {url} {caller}: changed {changed}")
        what = str(data.get("do") or data.get("action") or "").split(":")[0]
        recorded[f"{write.method} {write.route} {what}".strip()] = row
    if os.environ.get("GOVHALL_MATRIX_RECORD"):
        WRITES_RECORDED.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(WRITES_RECORDED.read_text())
    for key, row in recorded.items():
        if row != expected.get(key):
            problems.append(f"{key}: {row}, expected {expected.get(key)}")
    assert set(recorded) <= set(expected)
    assert problems == [], "\n".join(problems)
    assert exercised > 400


# --- the admin ------------------------------------------------------------------------------


def test_admin_pages_are_scoped(world: World) -> None:  # noqa: F811 - the fixture
    """Each world object's change, history and delete pages, and whether each caller's list
    shows it; every other admin page sends anonymous visitors and citizens to sign in."""
    clients = {caller: world.client(caller) for caller in CALLERS}
    problems: list[str] = []
    for label, (path, change, listed) in ADMIN_OBJECTS.items():
        obj: Model = attribute(world, path)
        app_label, model_name = label.split(".")
        for caller in CALLERS:
            client = clients[caller]
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
            got = outcome_of(client.get(url))
            if got != change[caller]:
                problems.append(f"{url} {caller}: {got}, expected {change[caller]}")
            for view in ("history", "delete"):
                other = reverse(f"admin:{app_label}_{model_name}_{view}", args=[obj.pk])
                got_other = outcome_of(client.get(other))
                missing = reverse(f"admin:{app_label}_{model_name}_{view}", args=[10**9])
                if change[caller] in (ADMIN_LOGIN, ADMIN_INDEX):
                    # out of scope: exactly as an object that does not exist
                    nothing = outcome_of(client.get(missing))
                    if got_other != nothing:
                        problems.append(f"{other} {caller}: {got_other}, missing: {nothing}")
                if got_other == 200 and view == "delete" and label != "identity.user":
                    problems.append(f"{other} {caller}: the delete page opened")
            response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
            if response.status_code == 200:
                shown = f"/{obj.pk}/change/" in response.content.decode()
                if shown != (caller in listed):
                    problems.append(f"{label} list {caller}: {'shown' if shown else 'missing'}")
    admin_routes = [route for route, _pattern in routes() if route.startswith("admin/")]
    for caller in ("anonymous", *CITIZENS):
        for route in admin_routes:
            if route in ("admin/login/", "admin/logout/") or "(?P<url>" in route:
                continue
            route = route.replace("^(?P<app_label>", "").split("|")[0]
            url = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)
            got = outcome_of(clients[caller].get(url))
            if got not in (ADMIN_LOGIN, 404):
                problems.append(f"{url} {caller}: {got}")
    assert problems == [], "\n".join(problems)


# --- guessing identifiers -------------------------------------------------------------------


def test_a_guessed_identifier_answers_like_a_missing_one(world: World) -> None:  # noqa: F811 - the fixture
    """The sequential neighbour of the owner's case number is 李秀英's case; another's
    UUIDs are real. Each answers every caller who may not see it exactly as an identifier
    that does not exist, and shows nothing of the object."""
    li = world.users["other_citizen"]
    assert li is not None
    neighbour = new_case(world.version, li.person, "neighbour")
    assert int(neighbour.number) == int(world.case.number) + 1
    missing_number = str(int(neighbour.number) + 1)
    clients = {caller: world.client(caller) for caller in CALLERS}
    unknown = str(uuid.uuid4())
    probes = [
        # (URL of a real object, the same URL for a missing one, callers who may see it,
        #  text of the object that must not appear)
        *[
            (
                route.format(neighbour.number),
                route.format(missing_number),
                {"other_citizen", "clerk", "supervisor"},
            )
            for route in (
                "/my/cases/{}/",
                "/api/v1/cases/{}",
                "/workbench/cases/{}/",
                "/api/v1/cases/{}/actions/accept",
            )
        ],
        (
            f"/my/cases/{world.case.number}/notices/{world.notice.uuid}/",
            f"/my/cases/{world.case.number}/notices/{unknown}/",
            {"owner", "agent", "clerk", "supervisor"},
        ),
        (
            f"/account/tokens/{world.token.uuid}/revoke/",
            f"/account/tokens/{unknown}/revoke/",
            {"owner"},
        ),
        (
            f"/account/mandates/{world.mandate.uuid}/revoke/",
            f"/account/mandates/{unknown}/revoke/",
            {"owner", "agent", "admin"},
        ),
        (
            f"/api/v1/identity/tokens/{world.token.uuid}",
            f"/api/v1/identity/tokens/{unknown}",
            {"owner"},
        ),
        (
            f"/api/v1/identity/passkeys/{world.passkey.uuid}",
            f"/api/v1/identity/passkeys/{unknown}",
            {"owner"},
        ),
        (
            f"/api/v1/notifications/{world.notification.uuid}/read",
            f"/api/v1/notifications/{unknown}/read",
            {"owner"},
        ),
        (
            f"/api/v1/cases/uploads/{world.draft_upload.uuid}",
            f"/api/v1/cases/uploads/{unknown}",
            {"owner"},
        ),
        (
            f"/workbench/licenses/shared/{world.share.uuid}/",
            f"/workbench/licenses/shared/{unknown}/",
            {"clerk"},
        ),
        (f"/workbench/rules/{world.rule_set.uuid}/", f"/workbench/rules/{unknown}/", {"clerk"}),
        (
            f"/my/licenses/{world.license.identifier}/pdf/",
            f"/my/licenses/{world.license.identifier[:-1]}X/pdf/",
            {"owner"},
        ),
    ]
    # what the objects show of their owners (a page shows the signed-in caller's own name)
    secrets = {"owner": world.owner.name, "other_citizen": "李秀英"}
    problems = []
    methods = {"revoke/": "post", "/read": "post", "accept": "post"}
    for real, missing, may_see in probes:
        method = next((m for end, m in methods.items() if real.endswith(end)), "get")
        if "/api/v1/identity/tokens/" in real or "/uploads/" in real:
            method = "delete"
        for caller in CALLERS:
            if caller in may_see or caller == "admin":
                continue
            client = clients[caller]
            before = snapshot(world)
            first = getattr(client, method)(real)
            second = getattr(client, method)(missing)
            assert snapshot(world) == before, (real, caller)
            if outcome_of(first) != outcome_of(second):
                problems.append(f"{real} {caller}: {outcome_of(first)} vs {outcome_of(second)}")
            raw = b"".join(first.streaming_content) if first.streaming else first.content
            body = raw.decode(errors="replace")
            shown = [text for who, text in secrets.items() if who != caller and text in body]
            if shown:
                problems.append(f"{real} {caller}: shows {shown}")
    assert problems == [], "\n".join(problems)
