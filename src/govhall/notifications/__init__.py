"""In-app notifications and text messages (SMS) to applicants on each step of their cases.

The module sits below ``cases`` and never imports it: it subscribes to the ``cases.case.*``
events of the outbox (docs/outbox.md) and reads what it needs from their payload. See
docs/notifications.md.
"""
