"""Settings for the throughput bench: the project's own, plus a bench-only URL map.

Why a settings module of its own: the bare-view baseline must go through the same Django
stack (middleware, URL resolver, WSGI handler) as the pages it is compared with, yet the
project's URL map must not gain a bench route. ``ROOT_URLCONF`` points at
``bench/bench_urls.py`` instead; nothing else differs.
"""

from govhall.conf.base import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
