"""Identity: accounts and staff scopes; persons, organizations, OIDC and mandates grow here."""
