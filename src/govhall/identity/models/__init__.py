"""Identity models."""

from govhall.identity.models.person import AssuranceEvent, AssuranceLevel, AssuranceMethod, Person
from govhall.identity.models.user import User

__all__ = ["AssuranceEvent", "AssuranceLevel", "AssuranceMethod", "Person", "User"]
