"""``/health/live`` and ``/health/ready`` for load balancers, orchestrators and monitoring.

``live`` touches nothing (the process answers); ``ready`` runs the checks of ``core.health``
and answers 503 when the installation is down, so a balancer stops sending it requests. The
body names each check's status to everyone; summaries and figures (backlog ages, free bytes,
pending migrations) only to the addresses in ``HEALTH_DETAIL_ADDRESSES`` (loopback by
default: a monitoring agent on the host, or the deployer's monitoring network).
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govhall.core.health import Status, health_report
from govhall.core.rate_limits import client_address


def _may_see_details(request: HttpRequest) -> bool:
    address = client_address(request)
    if address is None:
        return False
    try:
        client = ip_address(address)
    except ValueError:
        return False
    return any(
        client in ip_network(network, strict=False)
        for network in settings.GOVHALL["HEALTH_DETAIL_ADDRESSES"]
    )


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": Status.OK.value})


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    report = health_report()
    if _may_see_details(request):
        body = report.as_dict()
    else:
        body = {
            "status": report.status.value,
            "checks": {check.name: check.status.value for check in report.checks},
        }
    status = 503 if report.status is Status.DOWN else 200
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 503:
        response["Retry-After"] = "30"
    return response
