"""WSGI entry point for the throughput bench: govhall's application under bench settings.

Granian imports ``bench_wsgi:application`` with ``bench/`` as its working directory; the
settings module is chosen before ``govhall.wsgi`` is imported, so its ``setdefault`` keeps
ours and the served application is the project's own with the bench URL map.
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"

from govhall.wsgi import application

__all__ = ["application"]
