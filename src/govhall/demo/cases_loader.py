"""Demo case work: staff of 开阳县 who process cases, the joint process of opening a restaurant
(食品经营许可 led by the market regulator, reviewed in parallel by the fire brigade and the
environment bureau), and a few cases in different states so the workbench and "my cases" have
something to show. Everything goes through the services; safe to run again (a case made with a
demo key is never made twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.archive.samples import make_pdf
from govhall.cases.models import Case, VersionProcess
from govhall.cases.services.actions import case_act
from govhall.cases.services.drafts import draft_open, material_upload
from govhall.cases.services.process import version_process_set
from govhall.cases.services.submission import case_submit
from govhall.catalog.models import ItemVersion, MaterialSource, VersionState
from govhall.core.models import Department, Region
from govhall.identity.models import Person, User
from govhall.identity.roles import role_group
from govhall.identity.selectors import person_find_by_id_number

STAFF_PASSWORD = "govhall-demo-2026"  # noqa: S105 - documented demo password


@dataclass(frozen=True, slots=True)
class DemoStaff:
    username: str
    display_name: str
    department: str  # key in departments.yaml
    approves_extensions: bool = False
    #: Step roles (岗位) beyond the window-clerk group; none means every step.
    step_roles: tuple[str, ...] = ()
    #: Other roles (e.g. 证照管理员 for the license office).
    other_roles: tuple[str, ...] = ()


STAFF = (
    DemoStaff(
        "clerk.kaiyang.amr",
        "王晓燕（县市场监管局窗口）",
        "ky-amr",
        other_roles=("license_officer",),
    ),
    DemoStaff("fire.kaiyang", "刘军（县消防救援大队）", "ky-fire"),
    DemoStaff("eco.kaiyang", "赵敏（开阳生态环境分局）", "ky-eco"),
    DemoStaff("clerk.kaiyang.ca", "陈静（县民政局窗口）", "ky-ca"),
    DemoStaff(
        "head.kaiyang.ca",
        "罗志明（县民政局分管领导）",
        "ky-ca",
        approves_extensions=True,
        step_roles=("case_approver",),
    ),
)
RESTAURANT = "食品经营许可（新办）"
JOINT_DEPARTMENTS = ("ky-amr", "ky-fire", "ky-eco")


def _staff(entry: DemoStaff, departments: dict[str, Department]) -> User:
    user = User.objects.filter(username=entry.username).first()
    if user is None:
        department = departments[entry.department]
        user = User(
            username=entry.username,
            display_name=entry.display_name,
            is_staff=True,
            department=department,
            region=Region.objects.get(code="520121000000"),
        )
        user.set_password(STAFF_PASSWORD)
        user.save()
        user.groups.add(role_group("window_clerk"))
        if entry.approves_extensions:
            user.user_permissions.add(Permission.objects.get(codename="approve_extension"))
        for role in entry.step_roles + entry.other_roles:
            user.groups.add(role_group(role))
    return User.objects.get(pk=user.pk)


def _version(department: Department, name: str) -> ItemVersion | None:
    return (
        ItemVersion.objects.filter(
            state=VersionState.PUBLISHED,
            handling_item__name=name,
            handling_item__implementation__department=department,
        )
        .select_related("handling_item__implementation")
        .first()
    )


def _submit(key: str, version: ItemVersion, person: Person, form: dict[str, Any]) -> Case | None:
    user = person.user
    existing = Case.objects.filter(submitted_by=user, idempotency_key=key).first()
    if existing is not None:
        return None
    draft = draft_open(
        actor=user, version_uuid=version.uuid, principal_type="person", principal_uuid=person.uuid
    )
    uploads = [
        material_upload(
            actor=user,
            draft=draft,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile(f"{requirement.name[:40]}.pdf", make_pdf()),
        ).uuid
        for requirement in version.materials.filter(
            source=MaterialSource.APPLICANT, is_required=True, is_essential=True
        )
    ]
    case, _created = case_submit(
        actor=user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data=form,
        idempotency_key=key,
        materials=uploads,
    )
    return case


def demo_cases_load(departments: dict[str, Department], persons: dict[str, str]) -> list[str]:
    """Staff, the joint restaurant process and demo cases; ``persons`` maps names to ID
    numbers of the demo citizens."""
    staff = {entry.username: _staff(entry, departments) for entry in STAFF}
    notes = [
        "demo case staff (password govhall-demo-2026): "
        + ", ".join(f"{entry.username} ({entry.display_name})" for entry in STAFF)
    ]
    clerk = staff["clerk.kaiyang.amr"]
    restaurant = _version(departments["ky-amr"], RESTAURANT)
    if restaurant is not None and not VersionProcess.objects.filter(version=restaurant).exists():
        version_process_set(
            actor=clerk,
            version=restaurant,
            template="joint",
            departments=[departments[key].credit_code for key in JOINT_DEPARTMENTS],
        )
    people = {name: person_find_by_id_number(number) for name, number in persons.items()}
    zhang, chen = people.get("张建国"), people.get("陈志强")
    if restaurant is not None and chen is not None:
        case = _submit(
            "demo-restaurant",
            restaurant,
            chen,
            {
                "business_name": "开阳县城关镇陈记布依农家菜馆",
                "credit_code": "92520121MA6H7KXU01",
                "premises_address": "开阳县城关镇紫江路 88 号",
                "business_kind": "catering",
                "dining_area": "120.5",
                "seats": "60",
                "food_safety_officer": "陈志强",
                "contact_mobile": "13908511234",
                "promise": True,
            },
        )
        if case is not None:
            case = case_act(case=case, action="accept", actor=clerk)
            case_act(
                case=case,
                action="review",
                actor=staff["fire.kaiyang"],
                opinion="经现场检查，疏散通道和灭火器材配置符合要求。",
            )
            notes.append(f"joint demo case {case.number}: accepted, fire review done")
    low_income = _version(departments["ky-ca"], "最低生活保障申请（审核确认）")
    if low_income is not None and zhang is not None:
        case = _submit(
            "demo-low-income",
            low_income,
            zhang,
            {
                "household_head": "张建国",
                "household_size": "3",
                "monthly_income": "1450",
                "reason": "老伴长期患病，家庭无稳定收入来源。",
                "contact_mobile": "13985011234",
                "consent_check": True,
            },
        )
        if case is not None:
            notes.append(f"demo case {case.number}: submitted, waiting in the queue")
    return notes


__all__ = ["STAFF", "demo_cases_load"]
