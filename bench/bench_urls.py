"""The project's URL map plus ``/bench/bare``, a view that does nothing but answer "ok".

Why: the requests per second of that view are the ceiling of this machine, server and
middleware stack; the other endpoints are reported as a share of it.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from govhall.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *project_urlpatterns]
