"""URL map: portal at /, staff admin at /admin/, API at /api/v1/, health at /health/."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from govhall.api.urls import api
from govhall.core.health_views import health_live, health_ready

admin.site.site_header = "govhall 一体化在线政务服务平台"
admin.site.site_title = "govhall"
admin.site.index_title = "管理工作台"


def _workbench_sign_in(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The workbench has no sign-in page of its own: one sign-in page serves everything."""
    return redirect_to_login(
        request.GET.get("next", reverse("admin:index")), reverse("portal:sign_in")
    )


admin.site.login = _workbench_sign_in  # type: ignore[method-assign]

# A database outage or a full disk met outside a view (by a middleware) answers 503 too.
handler500 = "govhall.core.outages.server_error_or_outage"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The OpenID Connect provider: issuer SITE_URL/o (settings.OIDC_ISSUER).
    path("o/", include("govhall.identity.oidc.urls", namespace="oauth2_provider")),
    # Choosing a language only sets a cookie; without a CSRF token in the switch, public
    # pages carry nothing per-visitor and can be cached whole.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("health/live", health_live, name="health_live"),
    path("health/ready", health_ready, name="health_ready"),
    path("workbench/", include("govhall.workbench.urls")),
    path("", include("govhall.portal.urls")),
]
