"""Identity writes. Every function is keyword-only, runs in one transaction and audits."""

from govhall.identity.services.persons import (
    person_register,
    person_reveal_id_number,
    persons_reencrypt,
)

__all__ = ["person_register", "person_reveal_id_number", "persons_reencrypt"]
