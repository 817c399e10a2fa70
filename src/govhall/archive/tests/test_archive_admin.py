"""Volumes are shown read-only in the workbench, each staff member seeing only the volumes of
their own department."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from govhall.archive.tests.volumes import archive
from govhall.identity.models import User

pytestmark = pytest.mark.django_db


def staff_client(client: Client, department: Any) -> Client:
    user = User.objects.create_user(
        username=f"staff-{department.pk}",
        password=None,
        is_staff=True,
        department=department,
        region=department.region,
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_archivevolume",
                "view_archiveentry",
                "change_archivevolume",
                "delete_archivevolume",
            ]
        )
    )
    client.force_login(user)
    return client


def test_staff_see_their_departments_volumes_read_only(client: Client, department: Any) -> None:
    kaiyang = department("520121", "开阳县民政局")
    xifeng = department("520122", "息烽县民政局")
    volume = archive(kaiyang)
    archive(xifeng, "520122260316000001")

    staff = staff_client(client, kaiyang)
    listing = staff.get("/admin/archive/archivevolume/")
    assert listing.status_code == 200
    assert [v.case_number for v in listing.context["cl"].result_list] == [volume.case_number]
    page = staff.get(f"/admin/archive/archivevolume/{volume.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "身份证正面" in content and volume.hash in content
    assert 'name="_save"' not in content
    assert staff.post(f"/admin/archive/archivevolume/{volume.pk}/delete/").status_code == 403
    assert staff.get("/admin/archive/archivevolume/add/").status_code == 403


def test_staff_of_another_department_do_not_see_the_volume(client: Client, department: Any) -> None:
    volume = archive(department("520121", "开阳县民政局"))

    staff = staff_client(client, department("520122", "息烽县民政局"))

    assert staff.get(f"/admin/archive/archivevolume/{volume.pk}/change/").status_code == 302
    assert staff.get("/admin/archive/archivevolume/").context["cl"].result_count == 0
