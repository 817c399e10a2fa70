"""The SMS backend interface."""

from __future__ import annotations

import abc


class SmsNotSent(Exception):
    """The gateway refused or could not be reached; the caller tells the user to try later."""


class SmsBackend(abc.ABC):
    name: str = ""

    @abc.abstractmethod
    def send(self, *, mobile: str, text: str) -> None:
        """Deliver ``text`` to the 11-digit ``mobile`` or raise :class:`SmsNotSent`."""
