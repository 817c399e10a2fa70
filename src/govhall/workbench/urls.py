"""Workbench URLs, mounted at /workbench/."""

from django.urls import path

from govhall.workbench import (
    case_page,
    license_office,
    licenses,
    queue,
    reports,
    rule_editor,
    rules,
    spot_checks,
    window,
)

app_name = "workbench"

urlpatterns = [
    path("cases/", queue.queue, name="queue"),
    path("cases/<str:number>/", case_page.case_page, name="case"),
    path(
        "cases/<str:number>/materials/<uuid:upload_uuid>/",
        case_page.material_download,
        name="material",
    ),
    path("licenses/", license_office.license_list, name="licenses"),
    path("licenses/new/", license_office.license_new, name="license_new"),
    path("licenses/shared/", licenses.shared_licenses, name="shared_licenses"),
    path("licenses/shared/<uuid:share_uuid>/", licenses.shared_license, name="shared_license"),
    path(
        "licenses/shared/<uuid:share_uuid>/pdf/",
        licenses.shared_license_pdf,
        name="shared_license_pdf",
    ),
    path("licenses/<str:identifier>/", license_office.license_page, name="license"),
    path("licenses/<str:identifier>/pdf/", license_office.license_file, name="license_file"),
    path("reports/material-reuse/", reports.material_reuse, name="report_reuse"),
    path("rules/", rules.rules_overview, name="rules"),
    path("rules/new/<uuid:version_uuid>/", rule_editor.rule_set_new, name="rule_set_new"),
    path(
        "rules/items/<str:identifier>/automation/",
        rules.automation_change,
        name="rules_automation",
    ),
    path("rules/<uuid:rule_set_uuid>/", rules.rule_set_page, name="rule_set"),
    path("rules/<uuid:rule_set_uuid>/edit/", rule_editor.rule_set_edit, name="rule_set_edit"),
    path("rules/<uuid:rule_set_uuid>/dmn/", rules.rule_set_dmn, name="rule_set_dmn"),
    path("spot-checks/", spot_checks.spot_checks, name="spot_checks"),
    path("window/", window.window_start, name="window"),
    path("window/register/", window.window_register, name="window_register"),
    path(
        "window/<uuid:version_uuid>/<uuid:person_uuid>/",
        window.window_apply,
        name="window_apply",
    ),
]
