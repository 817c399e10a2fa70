"""The case fixtures (a published 最低生活保障 guide with a form, applicants, clerks) and
workbench helpers: staff of other departments and a joint (并联) process."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    at,
    clerk,
    other_clerk,
    version,
    yang,
    zhang,
)
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.identity.models import User


def staff(username: str, department: Any, *, region: Any = None) -> User:
    """A member of staff of ``department`` who may process cases."""
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=True,
        department=department,
        region=region or department.region,
    )
    user.user_permissions.add(Permission.objects.get(codename="process_case"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def colleague(clerk: User) -> User:  # noqa: F811 - the fixture above
    """A second clerk of the same bureau (开阳县民政局)."""
    return staff("reviewer.kaiyang", clerk.department, region=clerk.region)


@pytest.fixture
def signed_in() -> Any:
    """``signed_in(user)``: a test client signed in as ``user``, reading English pages (the
    msgids), so that assertions hold whatever the translations say."""
    from django.test import Client

    def client_for(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return client_for


def html(response: Any) -> str:
    return str(response.content.decode())
