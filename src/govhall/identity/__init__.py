"""Identity: accounts, staff scopes; real-name persons, organizations, OIDC and mandates grow here."""
