"""Text messages about case steps, sent after the notifications are committed.

At most once: the message goes out when the transaction that created the applicant's
notification commits, outside it (no row or SQLite write lock is held during the gateway
call), and a gateway failure is logged with the case number and the masked mobile number,
not retried. The notification in the portal is the record the applicant can always find;
docs/notifications.md explains the choice.
"""

from __future__ import annotations

import logging

from django.db import transaction

from govhall.core import personal_data
from govhall.identity.models import Person
from govhall.identity.sms.base import SmsNotSent
from govhall.identity.sms.registry import sms_backend

logger = logging.getLogger(__name__)


def case_step_sms_send_on_commit(*, person: Person, text: str, case_number: str) -> None:
    """Send ``text`` to ``person``'s mobile number once the current transaction commits."""
    token, masked = person.mobile_encrypted, person.mobile_masked

    def send() -> None:
        try:
            sms_backend().send(mobile=personal_data.decrypt(token), text=text)
        except (SmsNotSent, personal_data.PersonalDataError) as error:
            logger.warning(
                "notifications: SMS about case %s to %s not sent: %s: %s",
                case_number,
                masked,
                type(error).__name__,
                error,
            )

    transaction.on_commit(send, robust=True)


__all__ = ["case_step_sms_send_on_commit"]
