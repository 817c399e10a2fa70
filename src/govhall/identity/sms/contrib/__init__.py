"""Built-in SMS backends."""

from govhall.identity.sms.contrib import console, http_gateway, memory

__all__ = ["console", "http_gateway", "memory"]
