"""Catalog staff work in the admin scoped to their department and region: a county editor
sees only their department's items; province-wide staff see all; editing a published guide is
impossible; the time-limit rule is shown on the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from govhall.catalog.services.items import implementation_create

pytestmark = pytest.mark.django_db


def _staff(username: str, **scope: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password="x-very-long-pass", is_staff=True, **scope
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    return user


def test_county_editor_sees_only_their_items(
    client: Any, implementation: Any, base_item: Any, department: Any, region: Any
) -> None:
    other = implementation_create(
        actor=None,
        base_item=base_item,
        department=department("520102", "南明区民政局"),
        region=region("520102"),
        level="county",
    )
    editor = _staff("kaiyang", department=implementation.department, region=region("520121"))
    client.force_login(editor)
    page = client.get("/admin/catalog/implementation/").content.decode()
    assert implementation.implementation_code in page
    assert other.implementation_code not in page
    assert client.get(f"/admin/catalog/implementation/{other.pk}/change/").status_code == 302
    province = _staff("province", region=region("520000"))
    client.force_login(province)
    page = client.get("/admin/catalog/implementation/").content.decode()
    assert implementation.implementation_code in page and other.implementation_code in page


def test_staff_without_scope_see_nothing(client: Any, implementation: Any) -> None:
    client.force_login(_staff("nobody"))
    page = client.get("/admin/catalog/implementation/").content.decode()
    assert implementation.implementation_code not in page


def test_published_version_is_read_only(
    client: Any, handling_item: Any, publish: Any, region: Any
) -> None:
    version = publish(handling_item)
    client.force_login(
        _staff(
            "editor", department=handling_item.implementation.department, region=region("520121")
        )
    )
    response = client.post(
        f"/admin/catalog/itemversion/{version.pk}/change/", {"promised_limit_days": 1}
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.promised_limit_days == 10


def test_draft_form_shows_the_half_rule(client: Any, handling_item: Any, region: Any) -> None:
    from govhall.catalog.services.versions import item_version_create
    from govhall.catalog.tests.conftest import guide

    draft = item_version_create(actor=None, handling_item=handling_item, guide=guide())
    client.force_login(
        _staff(
            "editor2", department=handling_item.implementation.department, region=region("520121")
        )
    )
    response = client.get(f"/admin/catalog/itemversion/{draft.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "promised_limit_days": 15,
            "process_steps": '[{"name": "申请", "description": ""}]',
            "delivery_methods": '["window"]',
            "faq": '[{"question": "需要到现场吗？", "answer": "不需要。"}]',
        }
    )
    for prefix in ("materials", "special_procedures"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(
        f"/admin/catalog/itemversion/{draft.pk}/change/",
        {k: v for k, v in data.items() if v is not None},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["promised_limit_days"]
    draft.refresh_from_db()
    assert draft.promised_limit_days == 10


def test_publication_made_compared_and_exported_in_admin(
    client: Any, handling_item: Any, publish: Any, region: Any
) -> None:
    from govhall.catalog.models import Publication

    publish(handling_item)
    province = _staff("reviewer", region=region("520000"))
    client.force_login(province)
    response = client.post(
        "/admin/catalog/publication/publish/",
        {
            "title": "2026年12月集中公布",
            "kind": "december",
            "published_on": "2026-12-01",
            "note": "",
        },
    )
    assert response.status_code == 302
    wrong_month = client.post(
        "/admin/catalog/publication/publish/",
        {"title": "x", "kind": "june", "published_on": "2026-12-01", "note": ""},
    )
    assert wrong_month.status_code == 200
    assert Publication.objects.count() == 1
    first = Publication.objects.get()
    client.post(
        "/admin/catalog/publication/publish/",
        {"title": "临时更新", "kind": "ad_hoc", "published_on": "2026-12-15", "note": ""},
    )
    second = Publication.objects.exclude(pk=first.pk).get()
    page = client.get("/admin/catalog/publication/diff/", {"old": first.uuid, "new": second.uuid})
    assert page.status_code == 200 and page.context["diff"].rows() == []
    csv = client.get(
        "/admin/catalog/publication/diff/", {"old": first.uuid, "new": second.uuid, "export": "csv"}
    )
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "change,handling_code,name,field,detail"
    ]


def test_county_editor_cannot_publish_a_release(
    client: Any, implementation: Any, region: Any
) -> None:
    client.force_login(
        _staff("county", department=implementation.department, region=region("520121"))
    )
    assert client.get("/admin/catalog/publication/publish/").status_code == 403
    report = client.get("/admin/catalog/publication/consistency/")
    assert report.status_code == 200 and list(report.context["deviations"]) == []


def test_excel_export_and_import_pages(
    client: Any, handling_item: Any, publish: Any, region: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhall.catalog.models import ItemVersion

    publish(handling_item)
    client.force_login(_staff("province-admin", region=region("520000")))
    exported = client.get("/admin/catalog/implementation/export/")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("catalog.xlsx", exported.content)
    response = client.post(
        "/admin/catalog/implementation/import/", {"file": upload, "publish": "on"}
    )
    assert response.status_code == 302
    assert ItemVersion.objects.count() == 1
    broken = SimpleUploadedFile("catalog.xlsx", b"not a workbook")
    response = client.post("/admin/catalog/implementation/import/", {"file": broken})
    assert response.status_code == 200
    assert [e.code for e in response.context["errors"]] == ["import.file"]
