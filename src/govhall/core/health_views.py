"""``/health/live`` and ``/health/ready`` for load balancers, orchestrators and monitoring.

``live`` touches nothing (the process answers); ``ready`` runs the checks of ``core.health``
and answers 503 when the installation is down, so a balancer stops sending it requests. The
body names each check's status to everyone; summaries and figures (backlog ages, free bytes,
pending migrations) only to the addresses in ``HEALTH_DETAIL_ADDRESSES`` (loopback by
default: a monitoring agent on the host, or the deployer's monitoring network).

Anyone may ask ``ready``, so each process answers from its last report for
``HEALTH_CACHE_SECONDS`` (2 s): a flood of probes costs one run of the checks per process and
interval, not one per request. ``govhall health`` always runs them.
"""

from __future__ import annotations

import threading
import time
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govhall.core.health import HealthReport, Status, health_report
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


_last: tuple[float, HealthReport] | None = None
_lock = threading.Lock()


def _recent_report() -> HealthReport:
    """This process's report of the last ``HEALTH_CACHE_SECONDS``, or a new one."""
    global _last  # a per-process memo, see the module's docstring
    seconds = int(settings.GOVHALL["HEALTH_CACHE_SECONDS"])
    if seconds <= 0:
        return health_report()
    with _lock:
        now = time.monotonic()
        if _last is None or now - _last[0] >= seconds:
            _last = (now, health_report())
        return _last[1]


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    report = _recent_report()
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
