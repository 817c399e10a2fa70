"""Workbench URLs, mounted at /workbench/."""

from django.urls import path

from govhall.workbench import case_page, licenses, queue, reports, window

app_name = "workbench"

urlpatterns = [
    path("cases/", queue.queue, name="queue"),
    path("cases/<str:number>/", case_page.case_page, name="case"),
    path(
        "cases/<str:number>/materials/<uuid:upload_uuid>/",
        case_page.material_download,
        name="material",
    ),
    path("licenses/shared/", licenses.shared_licenses, name="shared_licenses"),
    path("licenses/shared/<uuid:share_uuid>/", licenses.shared_license, name="shared_license"),
    path(
        "licenses/shared/<uuid:share_uuid>/pdf/",
        licenses.shared_license_pdf,
        name="shared_license_pdf",
    ),
    path("reports/material-reuse/", reports.material_reuse, name="report_reuse"),
    path("window/", window.window_start, name="window"),
    path(
        "window/<uuid:version_uuid>/<uuid:person_uuid>/",
        window.window_apply,
        name="window_apply",
    ),
]
