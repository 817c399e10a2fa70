"""Case fixtures: a published 最低生活保障 guide of 开阳县民政局 (legal 20, promised 10 working
days), a clerk of that bureau, a clerk of another county, and applicants."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.archive.tests.conftest import make_pdf
from govhall.cases.models import Case
from govhall.cases.services.drafts import draft_save, material_upload
from govhall.cases.services.submission import case_submit
from govhall.catalog.models import ItemVersion
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.identity.models import Person, User
from govhall.identity.services import person_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Kaiyang-2026-secure"


def uploads_for(
    version: ItemVersion,
    actor: User,
    *,
    principal_type: str = "person",
    principal_uuid: uuid.UUID | None = None,
    skip: tuple[str, ...] = (),
) -> list[uuid.UUID]:
    """Upload a PDF for every required material the applicant supplies (except ``skip``)."""
    if principal_uuid is None:
        principal_uuid = actor.person.uuid
    draft, _problems = draft_save(
        actor=actor,
        version_uuid=version.uuid,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
        form_data={},
    )
    return [
        material_upload(
            actor=actor,
            draft=draft,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile("材料.pdf", make_pdf(), content_type="application/pdf"),
        ).uuid
        for requirement in version.materials.filter(source="applicant", is_required=True)
        if requirement.name not in skip
    ]


def new_case(
    version: ItemVersion, person: Person, key: str = "k", *, pre_review: bool = False
) -> Case:
    """Submit a case for ``person`` themself through the service, with its materials
    (``pre_review``: for online pre-review first)."""
    case, _created = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={},
        idempotency_key=key,
        materials=uploads_for(version, person.user),
        pre_review=pre_review,
    )
    return case


LOW_INCOME_FORM = {
    "fields": [
        {"name": "household_size", "type": "integer", "label": "家庭人口", "min": 1, "max": 20},
        {"name": "monthly_income", "type": "decimal", "label": "家庭月收入（元）", "min": 0},
    ]
}


@pytest.fixture
def version(handling_item: Any, publish: Any) -> ItemVersion:  # noqa: F811
    published: ItemVersion = publish(handling_item)
    # Fixture shortcut: the form is set after publishing (services keep published versions
    # immutable; the form's own rules are tested in catalog).
    ItemVersion.objects.filter(pk=published.pk).update(application_form=LOW_INCOME_FORM)
    published.refresh_from_db()
    return published


@pytest.fixture
def zhang(db: Any) -> Person:
    return person_register(
        name="张建国", id_number="522522194403151231", mobile="13985011234", password=PASSWORD
    )


@pytest.fixture
def yang(db: Any) -> Person:
    return person_register(
        name="杨丽", id_number="520102199002086284", mobile="13908512345", password=PASSWORD
    )


def _clerk(username: str, department: Any, region: Any) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, is_staff=True, department=department, region=region
    )
    user.user_permissions.add(Permission.objects.get(codename="process_case"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def clerk(version: ItemVersion) -> User:
    handling = version.handling_item
    return _clerk(
        "clerk.kaiyang", handling.implementation.department, handling.implementation.region
    )


@pytest.fixture
def other_clerk(version: ItemVersion, department: Any, region: Any) -> User:
    return _clerk("clerk.xifeng", department("520122", "息烽县民政局"), region("520122"))


@pytest.fixture
def at() -> Any:
    """``with at(2026, 9, 25, 10):`` freezes Django's clock at that Beijing time."""

    def freeze(*parts: int) -> Any:
        moment = datetime.datetime(*parts, tzinfo=SHANGHAI)
        return mock.patch("django.utils.timezone.now", return_value=moment)

    return freeze
