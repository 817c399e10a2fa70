"""Development: print the message to the server's standard output (DESIGN.md, embedded profile)."""

from __future__ import annotations

import sys

from govhall.identity.sms.base import SmsBackend
from govhall.identity.sms.registry import register


@register("console")
class ConsoleSmsBackend(SmsBackend):
    def send(self, *, mobile: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {mobile}] {text}\n")
        sys.stdout.flush()
