"""Catalog staff choose or upload the process of a version in the workbench admin; the file is
checked before anything is kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.cases.models import VersionProcess
from govhall.cases.processes import template_xml
from govhall.identity.models import User
from govhall.identity.roles import role_group

pytestmark = pytest.mark.django_db
ADD = "/admin/cases/versionprocess/add/"


@pytest.fixture
def editor(version: Any) -> User:
    implementation = version.handling_item.implementation
    user = User.objects.create_user(
        username="catalog.editor",
        password="Kaiyang-2026-secure",
        is_staff=True,
        department=implementation.department,
        region=implementation.region,
    )
    user.groups.add(role_group("catalog_editor"))
    return User.objects.get(pk=user.pk)


def test_a_bad_file_is_refused_and_a_template_is_kept(
    client: Client, version: Any, editor: Any
) -> None:
    client.force_login(editor)
    assert client.get(ADD).status_code == 200
    scripted = template_xml("standard").replace(
        '<bpmn:userTask id="review"',
        '<bpmn:scriptTask id="x"><bpmn:script>1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:userTask id="review"',
    )
    refused = client.post(
        ADD,
        {
            "version": version.pk,
            "template": "",
            "bpmn_file": SimpleUploadedFile("p.bpmn", scripted.encode()),
            "departments_text": "",
        },
    )
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    assert VersionProcess.objects.count() == 0
    kept = client.post(
        ADD, {"version": version.pk, "template": "multi_level", "departments_text": ""}
    )
    assert kept.status_code == 302
    chosen = VersionProcess.objects.get()
    assert (chosen.template, chosen.set_by) == ("multi_level", editor)
