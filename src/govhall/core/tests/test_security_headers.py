"""Security headers on every page: a nonce-based Content-Security-Policy with a fresh nonce per
HTML response (and that nonce on every inline script), X-Frame-Options, Referrer-Policy,
Cross-Origin-Opener-Policy, nosniff and a Permissions-Policy that keeps passkeys working.

Every named page of the portal and the workbench is requested — its parameters filled with a
real guide, application version and case where they exist, unknown values elsewhere (a 404 is
a page too) — by an anonymous visitor, a signed-in citizen and a clerk. No template carries an
inline ``style`` attribute, and only documents rendered to PDF (never served as HTML) keep a
``<style>`` element. The production profile adds HSTS and secure cookies, takes the HTTPS
redirect and the proxy's header from the environment, and refuses the development secret key.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from govhall.cases.models import Case
from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    clerk,
    new_case,
    version,
    zhang,
)
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2]
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/]{22}==)'")
POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
OTHER_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), publickey-credentials-create=(self), "
        "publickey-credentials-get=(self)"
    ),
}
#: Templates rendered to PDF by WeasyPrint, never sent to a browser: their <style> is theirs.
PDF_TEMPLATES = {
    "cases/templates/cases/notice.html",
    "cases/templates/cases/archive/base.html",
    "licenses/templates/licenses/layouts/card.html",
    "licenses/templates/licenses/layouts/certificate.html",
}
#: Scripts that hold data, not code: browsers never run them, so CSP does not apply.
DATA_SCRIPT = re.compile(r"""\btype=["']application/(ld\+)?json["']""")


def policy_of(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split(" ", 1) for part in header.split(";")]
    return {name: value for name, value in directives}


def nonce_of(response: Any) -> str:
    match = NONCE.search(response["Content-Security-Policy"])
    assert match is not None, response["Content-Security-Policy"]
    return match.group(1)


def check_html_page(response: Any, url: str) -> str:
    """The page's headers and inline scripts are as they must be; returns its nonce."""
    nonce = nonce_of(response)
    assert policy_of(response) == {
        name: value.format(nonce=nonce) for name, value in POLICY.items()
    }, url
    for header, value in OTHER_HEADERS.items():
        assert response[header] == value, (url, header)
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag or DATA_SCRIPT.search(tag):
            continue
        assert f'nonce="{nonce}"' in tag, (url, tag)
    assert not re.search(r"<[a-z][^>]*\sstyle=", html), url
    assert "<style" not in html, url
    return nonce


@pytest.fixture
def case(version: Any, zhang: Any, clerk: Any) -> Case:  # noqa: F811 - fixtures above
    return new_case(version, zhang)


@pytest.fixture
def visitors(zhang: Any, clerk: Any) -> dict[str, Client]:  # noqa: F811
    citizen = Client(HTTP_ACCEPT_LANGUAGE="en")
    citizen.force_login(zhang.user)
    # The clerk also keeps the license office, the review rules and the spot checks.
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_license", "manage_rules", "check_decisions", "view_case"]
        )
    )
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(clerk)
    return {"anonymous": Client(HTTP_ACCEPT_LANGUAGE="en"), "citizen": citizen, "clerk": staff}


def page_urls(namespace: str, samples: dict[str, str]) -> Iterator[str]:
    """Every named page of ``namespace``, with ``samples`` for its parameters (else unknowns)."""
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {}
        for name, converter in pattern.pattern.converters.items():
            unknown = str(uuid.uuid4()) if converter.regex.startswith("[0-9a-f]") else "unknown"
            kwargs[name] = samples.get(name, unknown)
        yield reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)


def test_every_page_carries_the_policy_with_a_fresh_nonce(
    case: Case,
    version: Any,  # noqa: F811 - the fixture
    visitors: dict[str, Client],
) -> None:
    samples = {
        "implementation_code": version.handling_item.implementation.implementation_code,
        "version_uuid": str(version.uuid),
        "number": case.number,
        "kind": "original",
    }
    urls = [*page_urls("portal", samples), *page_urls("workbench", samples)]
    nonces: list[str] = []
    statuses: dict[tuple[str, str], int] = {}
    for who, client in visitors.items():
        for url in urls:
            response = client.get(url)
            statuses[who, url] = response.status_code
            if response.get("Content-Type", "").startswith("text/html"):
                nonces.append(check_html_page(response, url))
            elif "sandbox" not in response.get("Content-Security-Policy", ""):
                # Other types (PDF, JSON) get the policy without a nonce.
                assert policy_of(response)["default-src"] == "'self'", url
    # The page types that matter were really drawn, not refused.
    for who, name, args in [
        ("anonymous", "portal:home", []),
        ("anonymous", "portal:guide", [samples["implementation_code"]]),
        ("anonymous", "portal:sign_in", []),
        ("anonymous", "portal:case_lookup", []),
        ("anonymous", "portal:license_verify_form", []),
        ("citizen", "portal:account", []),
        ("citizen", "portal:apply", [version.uuid]),
        ("citizen", "portal:my_case", [case.number]),
        ("clerk", "workbench:queue", []),
        ("clerk", "workbench:case", [case.number]),
        ("clerk", "workbench:licenses", []),
        ("clerk", "workbench:rules", []),
        ("clerk", "workbench:spot_checks", []),
    ]:
        assert statuses[who, reverse(name, args=args)] == 200, (who, name)
    assert len(nonces) > 100
    assert len(set(nonces)) == len(nonces), "a nonce was used twice"


def test_the_same_page_twice_gets_two_nonces(client: Client) -> None:
    first, second = client.get("/account/sign-in/"), client.get("/account/sign-in/")
    assert nonce_of(first) != nonce_of(second)


def test_the_sandboxed_downloads_keep_their_own_policy() -> None:
    """archive.download and the portal's guide files set ``sandbox``; the middleware leaves a
    policy that is already there alone (tested with the downloads themselves)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from govhall.core.security_headers import ContentSecurityPolicyMiddleware

    def download(request: Any) -> HttpResponse:
        response = HttpResponse(b"%PDF-", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox"
        return response

    middleware = ContentSecurityPolicyMiddleware(download)
    response = middleware(RequestFactory().get("/materials/x/original"))
    assert response["Content-Security-Policy"] == "sandbox"


def templates() -> Iterator[tuple[str, str]]:
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        yield str(path.relative_to(PACKAGE)), path.read_text(encoding="utf-8")


def test_no_template_has_an_inline_style_attribute() -> None:
    """``style-src 'self'``: styles come from style sheets; a ``style=""`` would be ignored."""
    found = [name for name, text in templates() if re.search(r"<[a-z][^>]*\sstyle=", text)]
    assert found == []


def test_only_pdf_documents_have_style_or_inline_script_elements() -> None:
    with_style = {name for name, text in templates() if "<style" in text}
    assert with_style == PDF_TEMPLATES
    inline_scripts = [
        (name, tag)
        for name, text in templates()
        for tag in re.findall(r"<script\b[^>]*>", text)
        if "src=" not in tag and "nonce=" not in tag and not DATA_SCRIPT.search(tag)
    ]
    assert inline_scripts == []


def production_settings(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the production profile in a fresh interpreter with real-looking secrets (each
    development key is refused; identity/tests/test_personal_data.py tests which) and print
    its transport-security settings."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    secrets = {
        "SECRET_KEY": "a-real-production-secret",
        "GOVHALL_PERSONAL_DATA_KEYS": "k1:" + "a1" * 16,
        "GOVHALL_BLIND_INDEX_KEY": "c3" * 32,
        "GOVHALL_OIDC_PRIVATE_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        "GOVHALL_OIDC_PAIRWISE_KEY": "d4" * 32,
        "GOVHALL_SMS_BACKEND": "http",
        "GOVHALL_SEAL_KEY_PASSPHRASE": "a-real-seal-passphrase",
    }
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GOVHALL_", "SECURE_", "SECRET_KEY"))
    }
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json, govhall.conf.production as p; "
        f"print(json.dumps({{n: getattr(p, n, None) for n in {names!r}}}))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={**clean, **secrets, **extra_env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_sends_https_only_headers_and_secure_cookies() -> None:
    defaults = production_settings({})
    assert defaults.returncode == 0, defaults.stderr
    assert json.loads(defaults.stdout) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    behind_proxy = production_settings(
        {
            "SECURE_HSTS_SECONDS": "600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        }
    )
    assert behind_proxy.returncode == 0, behind_proxy.stderr
    chosen = json.loads(behind_proxy.stdout)
    assert chosen["SECURE_HSTS_SECONDS"] == 600
    assert chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert chosen["SECURE_SSL_REDIRECT"] is True
    assert chosen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    malformed = production_settings({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"})
    assert malformed.returncode == 1
    assert "SECURE_PROXY_SSL_HEADER: expected HEADER,value" in malformed.stderr


def test_production_refuses_the_development_secret_key() -> None:
    result = production_settings({"SECRET_KEY": ""})
    assert result.returncode == 1
    assert "SECRET_KEY must be set in the environment" in result.stderr
