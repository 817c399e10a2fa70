"""The platform's HTTP API (django-ninja): one OpenAPI document under /api/v1/."""
