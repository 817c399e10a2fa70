"""Production profile: what changes at scale is only settings (DESIGN.md, runtime profiles)."""

import gc

from govhall.conf.base import *  # noqa: F403
from govhall.conf.base import SECRET_KEY
from govhall.conf.env import env, parse_bool

DEBUG = False
if SECRET_KEY.startswith("govhall-insecure"):
    raise RuntimeError("SECRET_KEY must be set in the environment for the production profile")
SESSION_COOKIE_SECURE = env("SECURE_COOKIES", True, parse_bool)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Full collections in the middle of a request cost ~1 s outliers in a peer's measurements:
# collect young generations less often; manage.py freezes the start-up heap.
gc.set_threshold(50_000, 50, 100)
