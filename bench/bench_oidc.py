"""Single sign-on: authorization code → token exchanges per second at ``/o/token/``.

Why: every sign-in to another government system through govhall ends with one exchange of an
authorization code for tokens (PKCE check, client authentication, an RS256-signed ID token,
the access and refresh tokens, the connected-system count and its audit record). When a
county's systems open in the morning, these exchanges arrive in a burst.

The script prepares ``BENCH_OIDC_CODES`` (default 200) codes per client with PKCE S256, each
through the authorization endpoint as a signed-in person's browser would get it (a system
registered to skip the consent page, so one GET gives one code), then times only the token
endpoint: each exchange is one POST through Django's test client (the whole middleware stack
and URL resolver, no network). Two relying parties are measured:

* **confidential** (a server with a secret, HTTP Basic): DOT checks the secret against its
  stored hash with the default password hasher on every exchange;
* **public** (a phone app, PKCE only): no secret to check.

Each is bounded by the number of codes and by ``BENCH_OIDC_SECONDS`` (default 60) of timed
exchanges, whichever comes first; codes are given a long expiry after preparation so a slow
run measures exchanges, not expired codes. It prints exchanges per second, p50/p95 latency and
the database queries of one exchange.

The database is the one ``DATABASE_URL`` names; unset, ``var/bench.sqlite3`` (never the
development database). It is migrated; one synthetic person and two synthetic clients (names
ending in ``（压测）``) are created on the first run and reused. Run from the repository root:

    .venv/bin/python bench/bench_oidc.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \
        .venv/bin/python bench/bench_oidc.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from common import database_label, load_label, machine_label, percentile, setup_django

HOST = "127.0.0.1"
REDIRECT_URI = "https://bench.invalid/oidc/callback"
SCOPE = "openid profile"
SYNTHETIC = "（压测）"
#: A valid, invented identity outside the demo data (the checksum holds).
BENCH_PERSON = {
    "name": "压测用户",
    "id_number": "520112199103124414",
    "mobile": "16600000001",
    "password": "Kaiyang-2026-secure",
}
WARMUP = 5


def bench_codes() -> int:
    return max(1, int(os.environ.get("BENCH_OIDC_CODES", "200")))


def bench_seconds() -> float:
    return float(os.environ.get("BENCH_OIDC_SECONDS", "60"))


@dataclass(slots=True)
class BenchClient:
    label: str
    client_id: str
    secret: str | None


def bench_person() -> Any:
    """The synthetic person, registered through the service on the first run."""
    from govhall.identity.selectors import person_find_by_id_number
    from govhall.identity.services import person_register

    person = person_find_by_id_number(BENCH_PERSON["id_number"])
    return person or person_register(**BENCH_PERSON)


def bench_client(*, confidential: bool) -> BenchClient:
    """A synthetic client that skips the consent page; a new secret on every run (the old
    one is only stored hashed), set through the model so DOT hashes it as usual."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import Application

    from govhall.identity.oidc.services import oidc_client_create

    label = "confidential" if confidential else "public"
    name = f"单点登录压测 {label}{SYNTHETIC}"
    application = Application.objects.filter(name=name).first()
    if application is None:
        application = oidc_client_create(
            name=name, redirect_uris=[REDIRECT_URI], confidential=confidential
        ).application
    secret = generate_client_secret()
    application.client_secret = secret
    application.skip_authorization = True
    application.save()
    return BenchClient(label, application.client_id, secret if confidential else None)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def prepare_codes(browser: Any, client: BenchClient, count: int) -> list[tuple[str, str]]:
    """``count`` (code, verifier) pairs from the authorization endpoint, then a long expiry."""
    import datetime

    from django.utils import timezone
    from oauth2_provider.models import Grant

    codes: list[tuple[str, str]] = []
    for _number in range(count):
        verifier, challenge = pkce_pair()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client.client_id,
                "redirect_uri": REDIRECT_URI,
                "scope": SCOPE,
                "state": "bench",
                "nonce": secrets.token_urlsafe(8),
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        response = browser.get(f"/o/authorize/?{query}")
        if response.status_code != 302:
            raise SystemExit(f"authorization answered {response.status_code}, not a redirect")
        code = parse_qs(urlsplit(response["Location"]).query)["code"][0]
        codes.append((code, verifier))
    later = timezone.now() + datetime.timedelta(hours=1)
    Grant.objects.filter(code__in=[code for code, _v in codes]).update(expires=later)
    return codes


def exchange(rp: Any, client: BenchClient, code: str, verifier: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    if client.secret is None:
        return rp.post("/o/token/", {**data, "client_id": client.client_id})
    raw = f"{client.client_id}:{client.secret}".encode()
    return rp.post("/o/token/", data, HTTP_AUTHORIZATION="Basic " + base64.b64encode(raw).decode())


@dataclass(slots=True)
class Result:
    client: BenchClient
    timings_ms: list[float]
    seconds: float
    queries: int


def run(browser: Any, rp: Any, client: BenchClient, count: int, limit: float) -> Result:
    """Warm up, count one exchange's queries, then time exchanges until done or ``limit``."""
    from django.db import connection

    codes = prepare_codes(browser, client, count + WARMUP + 1)
    for code, verifier in codes[:WARMUP]:
        exchange(rp, client, code, verifier)
    code, verifier = codes[WARMUP]
    # Counted with a wrapper: the request's start resets Django's own query log.
    queries: list[str] = []

    def count_query(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count_query):
        counted = exchange(rp, client, code, verifier)
    if counted.status_code != 200:
        raise SystemExit(f"token endpoint answered {counted.status_code}: {counted.content!r}")
    timings: list[float] = []
    began = time.perf_counter()
    for code, verifier in codes[WARMUP + 1 :]:
        start = time.perf_counter()
        response = exchange(rp, client, code, verifier)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(
                f"token endpoint answered {response.status_code}: {response.content!r}"
            )
        if time.perf_counter() - began >= limit:
            break
    return Result(client, timings, time.perf_counter() - began, len(queries))


def main() -> int:
    url = setup_django()
    from django.core.management import call_command
    from django.test import Client

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    person = bench_person()
    clients = [bench_client(confidential=True), bench_client(confidential=False)]
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(person.user)
    rp = Client(HTTP_HOST=HOST)
    count, limit = bench_codes(), bench_seconds()
    print(f"machine:  {machine_label()}")
    print(f"database: {database_label()} ({url.split('@')[-1]})")
    print(
        f"set-up {time.perf_counter() - began:.1f} s; per client: {count} codes (PKCE S256, "
        f"scope {SCOPE!r}), {WARMUP} warm-up exchanges, at most {limit:.0f} s timed"
    )
    print(f"{'client':<14}{'exchanges':>10}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for client in clients:
        result = run(browser, rp, client, count, limit)
        timings = result.timings_ms
        rate = len(timings) / result.seconds
        print(
            f"{client.label:<14}{len(timings):>10}{rate:>9.1f}{percentile(timings, 50):>9.2f}"
            f"{percentile(timings, 95):>9.2f}{result.queries:>9}"
        )
    print(f"after the run: {load_label()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
