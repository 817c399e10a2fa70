"""A generic HTTPS SMS gateway: POST ``{"mobile", "text", "sign"}`` as JSON with a bearer key.

Most provincial SMS platforms take this shape; settings ``GOVHALL_SMS_HTTP_URL``,
``GOVHALL_SMS_HTTP_KEY`` and ``GOVHALL_SMS_SIGN`` (the registered signature, e.g. 【贵州政务】).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from govhall.identity.sms.base import SmsBackend, SmsNotSent
from govhall.identity.sms.registry import register

TIMEOUT_SECONDS = 5


@register("http")
class HttpGatewaySmsBackend(SmsBackend):
    def send(self, *, mobile: str, text: str) -> None:
        url = settings.GOVHALL.get("SMS_HTTP_URL", "")
        if not url.startswith(("https://", "http://")):
            raise SmsNotSent("GOVHALL_SMS_HTTP_URL is not set")
        body = json.dumps(
            {"mobile": mobile, "text": text, "sign": settings.GOVHALL.get("SMS_SIGN", "")},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.GOVHALL.get('SMS_HTTP_KEY', '')}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                if response.status >= 300:
                    raise SmsNotSent(f"gateway answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsNotSent(str(error)) from error
