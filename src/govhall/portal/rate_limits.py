"""The page a refused public look-up gets (counted by ``core.rate_limits.public_lookup_count``).

A refused use gets the page itself with status 429, a
``Retry-After`` header and a notice naming the time to try again (``portal/_rate_limited.html``).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govhall.core.rate_limits import RateLimitVerdict


def render_rate_limited(
    request: HttpRequest, template: str, context: dict[str, Any], verdict: RateLimitVerdict
) -> HttpResponse:
    """``template`` with status 429; ``rate_limited`` in the context says when to come back."""
    retry_at = timezone.now() + datetime.timedelta(seconds=verdict.retry_after)
    limited = {"retry_at": retry_at, "minutes": math.ceil(verdict.retry_after / 60)}
    response = render(request, template, {**context, "rate_limited": limited}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response
