"""Tests: keep messages in :data:`outbox`, like Django's ``mail.outbox``."""

from __future__ import annotations

from dataclasses import dataclass

from govhall.identity.sms.base import SmsBackend
from govhall.identity.sms.registry import register


@dataclass(frozen=True, slots=True)
class SentSms:
    mobile: str
    text: str


outbox: list[SentSms] = []


@register("memory")
class MemorySmsBackend(SmsBackend):
    def send(self, *, mobile: str, text: str) -> None:
        outbox.append(SentSms(mobile, text))
