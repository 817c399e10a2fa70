"""URL map: portal at /, staff admin at /admin/, API at /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from govhall.api.urls import api

admin.site.site_header = "govhall 一体化在线政务服务平台"
admin.site.site_title = "govhall"
admin.site.index_title = "管理工作台"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The OpenID Connect provider: issuer SITE_URL/o (settings.OIDC_ISSUER).
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # Choosing a language only sets a cookie; without a CSRF token in the switch, public
    # pages carry nothing per-visitor and can be cached whole.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("govhall.portal.urls")),
]
