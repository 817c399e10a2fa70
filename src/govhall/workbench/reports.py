"""Reports for supervisors and departments: "submit once" — per item, how many materials came
from the license library or an earlier case rather than a new upload."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from govhall.cases.reuse import material_reuse_report, reuse_days
from govhall.workbench.access import staff_user, workbench_page


@workbench_page
@require_safe
def material_reuse(request: HttpRequest) -> HttpResponse:
    rows = material_reuse_report(staff_user(request))
    totals = {
        "uploaded": sum(r.uploaded for r in rows),
        "from_licenses": sum(r.from_licenses for r in rows),
        "reused": sum(r.reused for r in rows),
    }
    all_materials = sum(totals.values())
    return render(
        request,
        "workbench/report_reuse.html",
        {
            "rows": rows,
            "totals": totals,
            "total": all_materials,
            "percent": round(100 * (totals["from_licenses"] + totals["reused"]) / all_materials)
            if all_materials
            else 0,
            "reuse_days": reuse_days(),
            "nav": "report_reuse",
        },
    )
