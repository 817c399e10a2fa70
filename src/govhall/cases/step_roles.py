"""Who may take which step of a process (岗位): the window, review and decision steps.

A process names the role of each step (``window_clerk``, ``reviewer``, ``checker``,
``approver``; ``department`` for a joint case's reviews). Staff hold step roles through three
permissions (the groups 受理岗, 审查岗 and 审批岗 of :mod:`govhall.identity.roles`):

* a member of staff with **none** of them takes every step (the clerk of a small office who
  accepts, reviews and decides: what ``cases.process_case`` alone has always meant);
* a member of staff with **some** of them takes only those steps, so a department separates
  duties by giving its clerks the window role and its head the decision role.

Actions outside the process steps (suspending, extensions, visits) are not role-bound.
"""

from __future__ import annotations

from django.db.models import Q

from govhall.identity.models import User

#: The permission behind each role a process may name.
STEP_PERMISSIONS: dict[str, str] = {
    "window_clerk": "cases.take_window_steps",
    "reviewer": "cases.take_review_steps",
    "checker": "cases.take_review_steps",
    "department": "cases.take_review_steps",
    "approver": "cases.take_approval_steps",
}


def step_roles_held(user: User) -> frozenset[str] | None:
    """The roles whose steps ``user`` may take; ``None`` when the user holds no step role
    (and so may take every step)."""
    held = frozenset(role for role, perm in STEP_PERMISSIONS.items() if user.has_perm(perm))
    return held or None


def may_take_step(user: User, role: str) -> bool:
    held = step_roles_held(user)
    return held is None or role in held


def step_roles_text(roles: list[str]) -> str:
    """``,reviewer,approver,`` for the roles of the waiting steps ("" when none waits)."""
    unique = sorted(set(roles))
    return f",{','.join(unique)}," if unique else ""


def waiting_for_roles(roles: frozenset[str] | None) -> Q:
    """Cases with a step waiting for one of ``roles`` (any step when ``None``)."""
    if roles is None:
        return ~Q(step_roles="")
    condition = Q(pk__in=[])
    for role in sorted(roles):
        condition |= Q(step_roles__contains=f",{role},")
    return condition
