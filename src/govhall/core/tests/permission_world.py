"""The world of the object-level permission matrix (``test_object_permission_matrix``): one
case of 张建国 at 开阳县民政局 with everything around it, and every kind of caller.

Built through the services (the same fixtures as the apps' own tests), once per test: a
compact world, so each test walks many URLs over the same objects.

- the owner 张建国 (verified, L2): a submitted and accepted case with its materials and its
  acceptance notice, a notification of it, a standing draft with an upload, a licence issued
  to him and shared with the bureau, a personal access token, a passkey, and two mandates;
- another citizen 李秀英, with nothing of his;
- 黄梅, the village proxy agent, with his mandate for this item;
- 杨丽, with a mandate of his for another item only; 陈志强, whose mandate he revoked;
- a clerk of 开阳县民政局 (the right department and region), a clerk of 开阳县市场监督管理局
  (another department of the same county), a clerk of 息烽县民政局 (another county), each with
  the window-clerk, licence-officer and review-rule roles;
- a supervisor of 开阳县 (region-wide, no department) and a superuser.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govhall.cases.models import Case, CaseNotice, MaterialUpload
from govhall.cases.services.actions import case_act
from govhall.cases.services.submission import item_codes
from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    clerk,
    new_case,
    other_clerk,
    uploads_for,
    version,
    zhang,
)
from govhall.catalog.models import ItemVersion
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.core.models import Region
from govhall.core.outbox import outbox_dispatch
from govhall.identity.models import Mandate, Passkey, Person, PersonalAccessToken, User
from govhall.identity.roles import role_group
from govhall.identity.services import person_register
from govhall.identity.services.mandates import (
    MandateInput,
    mandate_grant,
    mandate_revoke,
    proxy_agent_register,
)
from govhall.identity.services.tokens import token_create
from govhall.identity.tests.conftest import CHEN, HUANG, LI, YANG
from govhall.licenses.models import License, LicenseShare
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.services.seals import seal_create
from govhall.licenses.services.shares import license_share
from govhall.licenses.tests.conftest import (  # noqa: F401 - fixtures
    FACE,
    bureau,
    food_license_type,
    verified,
)
from govhall.notifications.models import Notification
from govhall.rules.models import RuleSet
from govhall.workbench.tests.conftest import staff
from govhall.workbench.tests.test_rules_pages import draft_of

VILLAGE = "520121101200"
#: Every caller of the matrix, in the order the report lists them.
CALLERS = (
    "anonymous",
    "other_citizen",
    "owner",
    "agent",
    "agent_other_item",
    "agent_revoked",
    "clerk",
    "clerk_other_department",
    "clerk_other_county",
    "supervisor",
    "admin",
)
STAFF_ROLES = ("window_clerk", "license_officer", "rules_officer")


@dataclass
class World:
    users: dict[str, User | None]
    owner: Person
    version: ItemVersion
    case: Case
    notice: CaseNotice
    case_upload: MaterialUpload
    draft_upload: MaterialUpload
    license: License
    share: LicenseShare
    mandate: Mandate
    token: PersonalAccessToken
    passkey: Passkey
    notification: Notification
    rule_set: RuleSet

    def client(self, caller: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        user = self.users[caller]
        if user is not None:
            client.force_login(user)
        return client


def _person(data: dict[str, str]) -> Person:
    person = person_register(
        name=data["name"], id_number=data["id_number"], mobile=data["mobile"], password=PASSWORD
    )
    verified(person)
    return person


def _with_roles(user: User) -> User:
    user.groups.add(*(role_group(key) for key in STAFF_ROLES))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def world(
    version: ItemVersion,  # noqa: F811 - the fixtures above
    zhang: Person,  # noqa: F811
    clerk: User,  # noqa: F811
    other_clerk: User,  # noqa: F811
    bureau: Any,  # noqa: F811
    food_license_type: Any,  # noqa: F811
) -> World:
    owner = zhang
    verified(owner)
    department = version.handling_item.implementation.department
    admin = User.objects.create_superuser(username="admin.matrix", password=PASSWORD)
    identity_officer = User.objects.create_user(username="identity.matrix", is_staff=True)
    identity_officer.groups.add(role_group("identity_officer"))
    identity_officer = User.objects.get(pk=identity_officer.pk)
    supervisor = User.objects.create_user(
        username="supervisor.kaiyang", is_staff=True, region=department.region
    )
    supervisor.groups.add(role_group("supervisor"))

    # The case: submitted with its materials, accepted (the acceptance notice), delivered
    # notifications; then a standing draft with an upload.
    case = new_case(version, owner)
    case = case_act(case=case, action="accept", actor=clerk)
    outbox_dispatch()
    draft_upload = MaterialUpload.objects.get(uuid=uploads_for(version, owner.user)[0])

    # Mandates: the proxy agent for this item; 杨丽 for another item; 陈志强's revoked.
    agent = _person(HUANG)
    proxy_agent_register(
        person=agent,
        service_region=Region.objects.get(code=VILLAGE),
        actor=identity_officer,
    )
    until = timezone.localdate() + datetime.timedelta(days=90)
    mandate = mandate_grant(
        data=MandateInput(
            kind="proxy_agent",
            agent=agent,
            principal_person=owner,
            valid_until=until,
            item_codes=item_codes(version)[2:],
            consent_text="本人委托黄梅代办最低生活保障申请。",
        ),
        actor=owner.user,
    )
    other_item = _person(YANG)
    mandate_grant(
        data=MandateInput(
            kind="family_member",
            agent=other_item,
            principal_person=owner,
            valid_until=until,
            item_codes=["000101001000"],
        ),
        actor=owner.user,
    )
    revoked = _person(CHEN)
    mandate_revoke(
        mandate=mandate_grant(
            data=MandateInput(
                kind="family_member", agent=revoked, principal_person=owner, valid_until=until
            ),
            actor=owner.user,
        ),
        actor=owner.user,
        reason="不再委托",
    )

    # A licence of the bureau issued to 张建国, shared with that bureau for this case.
    seal_create(
        department=department,
        name=f"{department.name}行政审批专用章",
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2030, 12, 31),
        actor=None,
    )
    license = license_issue(
        license_type=food_license_type,
        issuer=department,
        holder=Holder(owner.name, "522522194403151231", "111"),
        face=FACE,
        actor=None,
        case_number=case.number,
    )
    share = license_share(
        license=license,
        department=department,
        purpose="最低生活保障资格审查",
        days=30,
        actor=owner.user,
        case_number=case.number,
    )

    token, _clear = token_create(user=owner.user, name="记账软件", expires_in_days=30, actor=None)
    passkey = Passkey.objects.create(
        user=owner.user,
        name="张建国的手机",
        credential_id="bWF0cml4LWNyZWRlbnRpYWw",
        public_key=b"k",
    )

    def roles(user: User) -> User:
        return _with_roles(user)

    users: dict[str, User | None] = {
        "anonymous": None,
        "other_citizen": _person(LI).user,
        "owner": owner.user,
        "agent": agent.user,
        "agent_other_item": other_item.user,
        "agent_revoked": revoked.user,
        "clerk": roles(clerk),
        "clerk_other_department": roles(staff("clerk.amr", bureau)),
        "clerk_other_county": roles(other_clerk),
        "supervisor": User.objects.get(pk=supervisor.pk),
        "admin": admin,
    }
    assert set(users) == set(CALLERS)
    return World(
        users=users,
        owner=owner,
        version=version,
        case=case,
        notice=case.notices.get(),
        case_upload=case.materials.first(),  # type: ignore[arg-type]
        draft_upload=draft_upload,
        license=license,
        share=share,
        mandate=mandate,
        token=token,
        passkey=passkey,
        notification=Notification.objects.filter(recipient=owner.user).latest("created_at"),
        rule_set=draft_of(version),
    )
