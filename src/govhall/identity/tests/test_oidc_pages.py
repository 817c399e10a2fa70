"""The pages people see during single sign-on, and what they leave behind: the consent page in
the portal's look names the system and each thing it asks for, with Allow and Do-not-allow;
a refused request is explained on a page; logging out at a system's request asks first when
the request does not prove whose session it is; every sign-in (not every refresh) counts as a
visit to the system, audited, listed by ``connected_systems_for_user`` and shown read-only in
the admin."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.template.loader import get_template
from django.test import Client
from oauth2_provider.models import AccessToken

from govhall.core.models import AuditRecord
from govhall.identity.models import ConnectedSystem, Person, User
from govhall.identity.oidc.selectors import connected_systems_for_user
from govhall.identity.tests.test_oidc_support import (
    LOGOUT_URI,
    OTHER_REDIRECT_URI,
    RelyingParty,
    authorize_url,
    person,
    pkce_pair,
    register_rp,
    rp,
    sign_in_at,
    signed_in,
    staff_user,
)

__all__ = ["person", "rp", "signed_in"]  # fixtures

pytestmark = pytest.mark.django_db

LOGOUT = "/o/logout/"
CHANGELIST = "/admin/identity/connectedsystem/"


def require_portal_templates() -> None:
    """The portal's templates must win over DOT's bundled ones of the same name: they do
    because ``govhall.portal`` comes before ``oauth2_provider`` in INSTALLED_APPS (the app
    template loader searches apps in that order)."""
    origin = get_template("oauth2_provider/authorize.html").origin.name
    assert "govhall/portal/templates" in str(origin)


def text(response: Any) -> str:
    """The page's text with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_consent_page_names_the_system_and_what_it_asks_for(
    signed_in: Client, rp: RelyingParty
) -> None:
    require_portal_templates()
    _verifier, challenge = pkce_pair()

    page = signed_in.get(
        authorize_url(rp, scope="openid profile id_number", challenge=challenge),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert page.status_code == 200
    assert [t.name for t in page.templates][:2] == [
        "oauth2_provider/authorize.html",
        "portal/base.html",
    ]
    html = page.content.decode()
    words = text(page)
    assert "<title>Sign in to 开阳县不动产登记系统 – 贵州省网上办事大厅</title>" in html
    assert "开阳县不动产登记系统 asks you to sign in with your account on this platform" in words
    assert "You are signed in as 张建国." in words
    assert (
        "What 开阳县不动产登记系统 asks for "
        "Sign you in and tell the system who you are "
        "Your name, identity type and assurance level "
        "Your full ID number "
        "This includes personal numbers in full." in words
    )
    assert '<button type="submit" name="allow" value="on">Allow and sign in</button>' in html
    assert '<button type="submit" class="button--secondary">Do not allow</button>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'<input type="hidden" name="client_id" value="{rp.client_id}"' in html
    assert f'<dd class="code">{rp.redirect_uri}</dd>' in html
    assert 'class="skip-link" href="#main"' in html


def test_the_consent_page_speaks_chinese_by_default(signed_in: Client, rp: RelyingParty) -> None:
    require_portal_templates()
    _verifier, challenge = pkce_pair()

    page = signed_in.get(authorize_url(rp, scope="openid", challenge=challenge))

    assert '<html lang="zh-hans">' in page.content.decode()


def test_a_refused_request_is_explained_on_a_portal_page(
    signed_in: Client, rp: RelyingParty
) -> None:
    require_portal_templates()
    _verifier, challenge = pkce_pair()
    url = authorize_url(rp, scope="openid", challenge=challenge, redirect_uri=OTHER_REDIRECT_URI)

    page = signed_in.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 400
    words = text(page)
    assert "This sign-in request cannot be accepted" in words
    assert "Nothing about you has been shared." in words
    assert "invalid_request: Mismatching redirect URI." in words
    assert 'role="alert"' in page.content.decode()


def test_logout_asks_when_the_request_does_not_prove_whose_session_it_is(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    sign_in_at(signed_in, rp)
    query = {"client_id": rp.client_id, "post_logout_redirect_uri": LOGOUT_URI, "state": "s1"}

    page = signed_in.get(LOGOUT, query, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert page.context["application"] == rp.application
    if "govhall/portal/templates" in str(
        get_template("oauth2_provider/logout_confirm.html").origin.name
    ):
        words = text(page)
        assert "Log out of this platform?" in words
        assert "开阳县不动产登记系统 has asked to log you out." in words
    form = page.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}

    answer = signed_in.post(LOGOUT, {**data, "allow": "on"})

    assert answer.status_code == 302
    assert answer["Location"] == LOGOUT_URI + "?state=s1"
    assert "_auth_user_id" not in signed_in.session
    assert AccessToken.objects.filter(user=person.user).count() == 0


def test_staying_signed_in_keeps_the_session(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    page = signed_in.get(LOGOUT, {"client_id": rp.client_id}, HTTP_ACCEPT_LANGUAGE="en")
    form = page.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}

    answer = signed_in.post(LOGOUT, data, HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 400
    assert answer.context["error"].error == "logout_denied"
    assert signed_in.session["_auth_user_id"] == str(person.user.pk)
    assert Session.objects.count() == 1


def test_a_logout_to_an_unregistered_address_is_refused(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    query = {"client_id": rp.client_id, "post_logout_redirect_uri": "https://evil.example/"}

    page = signed_in.get(LOGOUT, query)

    assert page.status_code == 400
    assert (
        page.context["error"].description
        == "This client does not have this redirect uri registered."
    )
    assert signed_in.session["_auth_user_id"] == str(person.user.pk)


def test_each_sign_in_counts_as_a_visit_and_is_audited(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    other = register_rp(name="开阳县医保服务系统", redirect_uri=OTHER_REDIRECT_URI)

    sign_in_at(signed_in, rp)
    first = ConnectedSystem.objects.get()
    sign_in_at(signed_in, other)
    sign_in_at(signed_in, rp)

    visit = ConnectedSystem.objects.get(application=rp.application)
    assert visit.user == person.user
    assert visit.sign_in_count == 2
    assert visit.first_signed_in_at == first.first_signed_in_at
    assert visit.last_signed_in_at > first.last_signed_in_at
    summaries = connected_systems_for_user(person.user)
    assert [(s.application_name, s.sign_in_count) for s in summaries] == [
        ("开阳县不动产登记系统", 2),
        ("开阳县医保服务系统", 1),
    ]
    assert summaries[0].first_signed_in_at == first.first_signed_in_at
    assert summaries[0].last_signed_in_at == visit.last_signed_in_at
    audited = AuditRecord.objects.filter(action="identity.oidc.sign_in").order_by("sequence")
    assert [(r.actor_label, r.object_id, r.data["client_id"]) for r in audited] == [
        (person.user.username, str(person.user.uuid), rp.client_id),
        (person.user.username, str(person.user.uuid), other.client_id),
        (person.user.username, str(person.user.uuid), rp.client_id),
    ]


def test_nobody_has_connected_systems_before_signing_in(person: Person) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert connected_systems_for_user(person.user) == []
    assert connected_systems_for_user(AnonymousUser()) == []


def admin_user(*, superuser: bool = False, view: bool = False) -> User:
    user = staff_user(username="admin-kaiyang" if superuser else "clerk-kaiyang")
    if superuser:
        user.is_superuser = True
        user.save()
    if view:
        user.user_permissions.add(Permission.objects.get(codename="view_connectedsystem"))
    return user


def test_admins_see_connected_systems_read_only(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    sign_in_at(signed_in, rp)
    staff = Client()
    staff.force_login(admin_user(superuser=True))

    listing = staff.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en")
    found = staff.get(CHANGELIST, {"q": person.user.username})
    missed = staff.get(CHANGELIST, {"q": "nobody"})
    by_system = staff.get(CHANGELIST, {"application__id__exact": rp.application.pk})
    row = ConnectedSystem.objects.get()
    detail = staff.get(f"{CHANGELIST}{row.pk}/change/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [row]
    assert "开阳县不动产登记系统" in listing.content.decode()
    assert listing.context["has_add_permission"] is False
    assert list(found.context["cl"].result_list) == [row]
    assert list(missed.context["cl"].result_list) == []
    assert list(by_system.context["cl"].result_list) == [row]
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert staff.get(f"{CHANGELIST}add/").status_code == 403
    assert staff.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ConnectedSystem.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("person", 302), ("staff", 403), ("staff with view", 200)],
)
def test_who_may_see_connected_systems(person: Person, who: str, status: int) -> None:
    client = Client()
    if who == "person":
        client.force_login(person.user)
    elif who == "staff":
        client.force_login(admin_user())
    elif who == "staff with view":
        client.force_login(admin_user(view=True))

    response = client.get(CHANGELIST)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")
