"""The API keeps the promises of its own OpenAPI document: schemathesis generates requests for
every operation of ``/api/v1/openapi.json`` — valid ones and invalid ones — and sends them
in-process (WSGI, no network) as an anonymous caller, a signed-in citizen and a member of
staff. Whatever it sends, no answer is a server error (5xx), and every answer has a status
code, a content type and a body that the document declares for that operation.

The callers work on real objects: a published guide with a form, a submitted case, a
mandate, a token, a notification, an upload and (for the license endpoints) a signed
license. Generated identifiers and values are mixed with these (see ``_mix``), so requests
reach the code behind the 404 too; before the generated requests, explicit ones give every
parameter and top-level body field each hostile value of its type (``HOSTILE``). Every
request is rolled back: each starts from the same objects.

Bounded for CI: ``EXAMPLES`` generated requests per operation and caller, derandomized (the
same requests on every run); ``FUZZ_EXAMPLES=500`` searches harder on a developer's machine.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.hooks import HookDispatcher, HookScope
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from govhall.api.urls import api
from govhall.archive.tests.conftest import make_pdf
from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    clerk,
    new_case,
    uploads_for,
    version,
    yang,
    zhang,
)
from govhall.identity.models import Person, User
from govhall.identity.services.mandates import MandateInput, mandate_grant
from govhall.identity.services.tokens import token_create
from govhall.licenses.tests.conftest import (  # noqa: F401 - fixtures
    FACE,
    bureau,
    food_license_type,
    seal,
)
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # any 32 letters: Django compares cookie and header
SCHEMA = api.get_openapi_schema()
OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, methods in SCHEMA["paths"].items() for method in methods
)
#: Literal path segments of the API ("uploads", "window", …): a path parameter spelling one
#: of them addresses another route (GET /cases/uploads is not "the case named uploads").
SEGMENTS = {
    segment
    for path in SCHEMA["paths"]
    for segment in path.split("/")
    if segment and not segment.startswith("{")
}


@contextlib.contextmanager
def _keeping_the_test_transaction() -> Iterator[None]:
    """Django closes "old" database connections when a request starts and ends, which would
    end the test's transaction; Django's own test client keeps them the same way."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(django_db_blocker: Any) -> Any:
    """The document the application serves, read through WSGI like every request below."""
    config = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
    with django_db_blocker.unblock(), _keeping_the_test_transaction():
        return schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", get_wsgi_application(), config=config
        )


@pytest.fixture(autouse=True)
def _in_process_requests() -> Iterator[None]:
    with _keeping_the_test_transaction():
        yield


@pytest.fixture
def world(
    version: Any,  # noqa: F811 - fixtures
    zhang: Person,  # noqa: F811
    yang: Person,  # noqa: F811
    clerk: User,  # noqa: F811
) -> dict[str, list[Any]]:
    """Real objects, and values that pass validation, by the name of the parameter or field
    that takes them; each is offered next to what schemathesis generates."""
    case = new_case(version, zhang)
    mandate = mandate_grant(
        data=MandateInput(
            kind="family_member",
            agent=yang,
            principal_person=zhang,
            valid_until=timezone.localdate() + datetime.timedelta(days=30),
        ),
        actor=zhang.user,
    )
    token, _clear = token_create(user=zhang.user, name="fuzz", expires_in_days=1, actor=None)
    notification = Notification.objects.create(
        recipient=zhang.user,
        event_uuid=uuid.uuid4(),
        topic="cases.case.accept",
        case_number=case.number,
        title="【办件进度】最低生活保障申请",
        body=f"您的办件（编号 {case.number}）：已受理。",
        link=f"/my/cases/{case.number}/",
    )
    uploads = [str(upload) for upload in uploads_for(version, zhang.user)]
    requirement = version.materials.get(source="applicant", is_required=True)
    return {
        # Cases: the case, its guide version and material, a draft's upload, a valid form.
        "number": [case.number],
        "numbers": [[case.number]],
        "version": [str(version.uuid)],
        "requirement": [str(requirement.uuid)],
        "upload_uuid": uploads,
        "materials": [uploads],
        "file": [make_pdf()],
        "form_data": [{"household_size": 3, "monthly_income": "800.00"}],
        "principal_type": ["person"],
        "principal_uuid": [str(zhang.uuid)],
        "opinion": ["材料齐全，予以受理。"],
        "assignee": [clerk.username],
        "action": ["claim", "accept"],
        # Identity: the citizen's and another person's identifiers, a new person's.
        "implementation_code": [version.handling_item.implementation.implementation_code],
        "mandate_uuid": [str(mandate.uuid)],
        "token_uuid": [str(token.uuid)],
        "notification_uuid": [str(notification.uuid)],
        "id_number": ["522522194403151231", "11010519491231002X"],
        "agent_id_number": ["520102199002086284"],
        "agent_name": ["杨丽"],
        "kind": ["family_member"],
        "valid_until": [(timezone.localdate() + datetime.timedelta(days=60)).isoformat()],
        "name": ["王芳"],
        "mobile": ["13985019999"],
        "password": ["Kaiyang-2026-fuzz"],
        "identifier": ["13985011234"],
        # Calendar.
        "start": ["2026-10-09"],
        "days": [5],
    }


@pytest.fixture
def license_world(
    world: dict[str, list[Any]],
    food_license_type: Any,  # noqa: F811 - fixtures
    bureau: Any,  # noqa: F811
    seal: Any,  # noqa: F811
) -> dict[str, list[Any]]:
    """The world with a signed license, for the license endpoints only (a seal costs a key)."""
    from govhall.licenses.services.issuance import Holder, license_issue

    license = license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("开阳县紫江小厨餐饮店", "92520121358806121M", "001"),
        face=FACE,
        actor=None,
        item_name="食品经营许可（新办）",
        case_number="5201212026113000001",
    )
    return {**world, "identifier": [license.identifier], "key_sm3": [seal.key_sm3]}


def _signed_in(user: User | None) -> dict[str, Any]:
    """A browser's session cookie (none for anonymous) with its CSRF cookie and header."""
    cookies = {"csrftoken": CSRF}
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies["sessionid"] = client.cookies["sessionid"].value
    return {"cookies": cookies, "headers": {"X-CSRFToken": CSRF}}


#: What broke servers before, offered to every parameter and top-level body field of its
#: type: a null character (PostgreSQL refuses it in text), long text, integers past what a
#: database column or an offset holds.
HOSTILE = {
    "string": ["\x00", "5201212026113000001\x00", "长" * 3000],
    "integer": [2**31, 2**63, -(2**63) - 1, 10**30],
    "array": [["\x00"]],
}
PLAIN = {"string": "x", "integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}
CONTAINERS = ("path", "query", "body")


def _types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a parameter or property schema allows (``anyOf`` included)."""
    found = [schema["type"]] if isinstance(schema.get("type"), str) else []
    for option in schema.get("anyOf", []):
        found += _types(option)
    return found


def _declared(operation: Any, container: str) -> dict[str, tuple[list[str], bool]]:
    """The path or query parameters or the top-level JSON body properties of ``operation``:
    their types and whether they are required."""
    if container in ("path", "query"):
        parameters = operation.path_parameters if container == "path" else operation.query
        return {
            p.name: (_types(p.definition.get("schema", {})), bool(p.definition.get("required")))
            for p in parameters
        }
    declared: dict[str, tuple[list[str], bool]] = {}
    for body in operation.body:
        if body.media_type == "application/json":
            schema = body.definition.get("schema", {})
            for name, property_schema in schema.get("properties", {}).items():
                declared[name] = (_types(property_schema), name in schema.get("required", []))
    return declared


def _calm(
    declared: dict[str, tuple[list[str], bool]],
    real: dict[str, list[Any]],
    generated: dict[str, Any],
) -> dict[str, Any]:
    """Every parameter real, or left out when optional, or else the generated (or a plain)
    value of its type."""
    chosen: dict[str, Any] = {}
    for key, (types, required) in declared.items():
        if key in real:
            chosen[key] = real[key][0]
        elif required:
            chosen[key] = generated.get(key, PLAIN.get(types[0] if types else "string"))
    return chosen


def _mix(real: dict[str, list[Any]]) -> HookDispatcher:
    """Hooks that make generated requests reach deeper: the path, the query and the body are
    each mixed (every parameter or top-level field keeps its generated value or takes a real
    one, by name) or calm (see ``_calm``). A path parameter that names another route (a
    literal segment, or a value with "/" that WSGI decodes into one) is not a request to this
    operation."""
    hooks = HookDispatcher(scope=HookScope.TEST)

    def mixing(container: str) -> Any:
        def mix(context: Any, values: Any) -> Any:
            if values is not None and not isinstance(values, dict):
                return st.just(values)
            values = values or {}
            mixed = st.fixed_dictionaries(
                {
                    key: st.one_of(st.just(value), st.sampled_from(real[key]))
                    if key in real
                    else st.just(value)
                    for key, value in values.items()
                }
            )
            declared = _declared(context.operation, container)
            if container == "body" and not declared:
                return mixed
            return st.one_of(mixed, st.just(_calm(declared, real, values)))

        return mix

    def reaches_this_operation(context: Any, path_parameters: dict[str, Any] | None) -> bool:
        return not any(
            str(value) in SEGMENTS or "/" in str(value)
            for value in (path_parameters or {}).values()
        )

    for container in CONTAINERS:
        name = "path_parameters" if container == "path" else container
        hooks.register_hook_with_name(mixing(container), f"flatmap_{name}")
    hooks.register_hook_with_name(reaches_this_operation, "filter_path_parameters")
    return hooks


def _hostile_cases(operation: Any, real: dict[str, list[Any]]) -> list[Any]:
    """Explicit requests, run before the generated ones: calm but for one parameter or field,
    which takes each hostile value of its type in turn. (Operations with a form body are left
    to the generated requests.)"""
    if any(body.media_type != "application/json" for body in operation.body):
        return []
    declared = {container: _declared(operation, container) for container in CONTAINERS}
    calm = {container: _calm(declared[container], real, {}) for container in CONTAINERS}
    cases = []
    for container in CONTAINERS:
        for key, (types, _required) in declared[container].items():
            for value in [v for kind in types for v in HOSTILE.get(kind, [])]:
                parts = {**calm, container: {**calm[container], key: value}}
                cases.append(
                    operation.Case(
                        path_parameters=parts["path"],
                        query=parts["query"],
                        **({"body": parts["body"]} if operation.body else {}),
                    )
                )
    return cases


def _fuzz(api_schema: Any, label: str, caller: dict[str, Any], real: dict[str, Any]) -> None:
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]
    hooks = _mix(real)
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, hooks=hooks),
        operation.as_strategy(GenerationMode.NEGATIVE, hooks=hooks),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=(
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ),
    )
    @given(case=strategy)
    def send(case: Any) -> None:
        # Each request starts from the same objects: what one changed is rolled back, and so
        # is a transaction a database error broke (PostgreSQL refuses every later query).
        with transaction.atomic():
            case.call_and_validate(checks=CHECKS, **caller)
            transaction.set_rollback(True)

    for hostile in _hostile_cases(operation, real):
        send = example(case=hostile)(send)
    send()


def _real(label: str, request: pytest.FixtureRequest) -> dict[str, list[Any]]:
    name = "license_world" if re.search(r" /api/v1/licenses/", label) else "world"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("label", OPERATIONS)
def test_anonymous(api_schema: Any, label: str, request: pytest.FixtureRequest) -> None:
    _fuzz(api_schema, label, _signed_in(None), _real(label, request))


@pytest.mark.parametrize("label", OPERATIONS)
def test_citizen(
    api_schema: Any,
    label: str,
    zhang: Person,  # noqa: F811 - fixture
    request: pytest.FixtureRequest,
) -> None:
    _fuzz(api_schema, label, _signed_in(zhang.user), _real(label, request))


@pytest.mark.parametrize("label", OPERATIONS)
def test_staff(
    api_schema: Any,
    label: str,
    clerk: User,  # noqa: F811 - fixture
    request: pytest.FixtureRequest,
) -> None:
    _fuzz(api_schema, label, _signed_in(clerk), _real(label, request))
