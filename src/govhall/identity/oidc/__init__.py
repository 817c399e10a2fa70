"""govhall as an OpenID Connect provider (django-oauth-toolkit) for other government systems."""
