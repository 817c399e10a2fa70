"""Identity models."""

from govhall.identity.models.user import User

__all__ = ["User"]
