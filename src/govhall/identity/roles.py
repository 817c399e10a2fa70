"""Staff roles (岗位角色): Django groups with a fixed set of permissions.

A role says *what* a staff member may do; their department and region (``User.department``,
``User.region``, see :class:`govhall.core.scoping.StaffScope`) say *where*. A county clerk with
the window-clerk role therefore sees only their county's work. Window assignments (which hall
window a clerk sits at) arrive with the halls module and will hang off the user, not the role.

Roles are kept in step with this table after every ``migrate`` (the group names are the
bilingual labels staff see in the workbench); permissions of apps that land later (cases,
licences) are added here as they arrive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q


@dataclass(frozen=True, slots=True)
class Role:
    key: str
    group_name: str
    #: ``app_label.codename`` entries; ``app_label.*`` means every permission of the app except
    #: deleting, ``app_label.view_*`` every view permission.
    permissions: tuple[str, ...]


ROLES = (
    Role(
        "catalog_editor",
        "目录编辑 Catalog editors",
        (
            "catalog.*",
            "-catalog.publish_itemversion",
            "cases.view_versionprocess",
            "cases.add_versionprocess",
            "cases.change_versionprocess",
            "core.view_department",
            "core.view_region",
        ),
    ),
    Role(
        "catalog_reviewer",
        "目录审核 Catalog reviewers",
        ("catalog.view_*", "catalog.publish_itemversion"),
    ),
    Role(
        "identity_officer",
        "身份核验员 Identity officers",
        (
            "identity.view_person",
            "identity.verify_in_person",
            "identity.view_assuranceevent",
            "identity.view_organization",
            "identity.add_organization",
            "identity.view_mandate",
            "identity.add_mandate",
            "identity.change_mandate",
            "identity.view_proxyagent",
            "identity.add_proxyagent",
            "identity.change_proxyagent",
        ),
    ),
    Role(
        "window_clerk",
        "窗口受理员 Window clerks",
        (
            "identity.view_person",
            "identity.view_organization",
            "identity.view_mandate",
            "cases.view_case",
            "cases.process_case",
        ),
    ),
    # Step roles (岗位) of case processes: staff with none of them take every step; staff with
    # some take only those (govhall.cases.step_roles). Each also gives the window-clerk rights.
    Role(
        "case_window",
        "受理岗 Window steps",
        ("cases.view_case", "cases.process_case", "cases.take_window_steps"),
    ),
    Role(
        "case_reviewer",
        "审查岗 Review steps",
        ("cases.view_case", "cases.process_case", "cases.take_review_steps"),
    ),
    Role(
        "case_approver",
        "审批岗 Decision steps",
        (
            "cases.view_case",
            "cases.process_case",
            "cases.take_approval_steps",
            "cases.approve_extension",
        ),
    ),
    Role(
        "license_officer",
        "证照管理员 License officers",
        (
            "licenses.view_license",
            "licenses.add_license",
            "licenses.change_license",
            "licenses.view_licensetype",
            "licenses.view_seal",
            "licenses.view_licenseimport",
            "licenses.add_licenseimport",
        ),
    ),
    Role(
        "rules_officer",
        "审批规则管理员 Review-rule officers",
        (
            "catalog.view_handlingitem",
            "catalog.view_itemversion",
            "rules.view_ruleset",
            "rules.add_ruleset",
            "rules.change_ruleset",
            "rules.manage_rules",
            "rules.view_itemautomation",
            "rules.change_itemautomation",
            "cases.view_automaticdecision",
            "cases.view_case",
        ),
    ),
    Role(
        "supervisor",
        "监督员 Supervisors",
        (
            "catalog.view_*",
            "rules.view_*",
            "cases.check_decisions",
            # Applicants, their agents and sign-ins, not credentials: accounts, access tokens,
            # passkeys, SMS codes and connected systems are the administrators' (least privilege).
            "identity.view_person",
            "identity.view_organization",
            "identity.view_mandate",
            "identity.view_proxyagent",
            "identity.view_assuranceevent",
            "identity.view_signinattempt",
            "cases.view_*",
            "licenses.view_*",
            # The archive volumes of their region; stored files (province-wide, content
            # addressed) are reached through the cases that hold them.
            "archive.view_archivevolume",
            "archive.view_archiveentry",
            "core.view_auditrecord",
        ),
    ),
    # The three separated administrators of graded protection (等保 三员: 系统管理员, 安全管理员,
    # 审计管理员): one account holds at most one of them (SEPARATED_ADMINISTRATORS).
    # 系统管理员: the platform's reference data and connections — regions, departments, the
    # working-day calendar, connected systems, the outbox — not accounts, rights or the trails.
    Role(
        "system_administrator",
        "系统管理员 System administrators",
        (
            "core.view_region",
            "core.add_region",
            "core.change_region",
            "core.view_department",
            "core.add_department",
            "core.change_department",
            "core.view_calendaryear",
            "core.add_calendaryear",
            "core.change_calendaryear",
            "core.view_outboxevent",
            "identity.view_connectedsystem",
            "identity.add_connectedsystem",
            "identity.change_connectedsystem",
        ),
    ),
    # 安全管理员: accounts and their rights (groups, activation, scope), access tokens and
    # sign-ins — not the reference data, and not the audit trail, which audits them.
    Role(
        "security_administrator",
        "安全管理员 Security administrators",
        (
            "identity.view_user",
            "identity.add_user",
            "identity.change_user",
            "auth.view_group",
            "identity.view_personalaccesstoken",
            "identity.view_signinattempt",
        ),
    ),
    # 安全审计员 (审计管理员): reads the trails and is told when an integrity verification fails
    # (core.integrity); changes nothing.
    Role(
        "security_auditor",
        "安全审计员 Security auditors",
        (
            "core.view_auditrecord",
            "core.receive_integrity_alerts",
            "identity.view_signinattempt",
            "archive.view_archivevolume",
            "archive.view_archiveentry",
        ),
    ),
)


SEPARATED_ADMINISTRATORS = ("system_administrator", "security_administrator", "security_auditor")
"""Graded protection's three administrators: no account may hold two of them."""


def separated_roles_held(group_names: Iterable[str]) -> list[Role]:
    """The separated administrator roles among ``group_names``; more than one is refused."""
    names = set(group_names)
    return [r for r in ROLES if r.key in SEPARATED_ADMINISTRATORS and r.group_name in names]


def _permission_filter(entries: tuple[str, ...]) -> Q:
    include = Q(pk__in=[])
    exclude = Q(pk__in=[])
    for entry in entries:
        negate = entry.startswith("-")
        app_label, _dot, codename = entry.lstrip("-").partition(".")
        if codename == "*":
            condition = Q(content_type__app_label=app_label) & ~Q(codename__startswith="delete_")
        elif codename.endswith("*"):
            condition = Q(content_type__app_label=app_label, codename__startswith=codename[:-1])
        else:
            condition = Q(content_type__app_label=app_label, codename=codename)
        if negate:
            exclude |= condition
        else:
            include |= condition
    return include & ~exclude


def roles_sync() -> dict[str, int]:
    """Create or update every role's group; returns permissions per role."""
    counts = {}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.group_name)
        permissions = list(Permission.objects.filter(_permission_filter(role.permissions)))
        group.permissions.set(permissions)
        counts[role.key] = len(permissions)
    return counts


def role_group(key: str) -> Group:
    role = next(r for r in ROLES if r.key == key)
    return Group.objects.get(name=role.group_name)


def roles_sync_after_migrate(**kwargs: Any) -> None:
    """``post_migrate`` receiver: permissions exist only after migrate (Django creates them
    app by app in the same signal), so sync once, after the last app with models."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if kwargs.get("app_config") is with_models[-1]:
        roles_sync()
