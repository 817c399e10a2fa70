"""The built-in process templates catalog staff pick from, and the roles a user task may name.

Templates are BPMN 2.0 files in ``templates/`` (shipped as package data). They are the only
trusted processes: written here, reviewed with the code, never changed at run time. Each user
task names the role that performs it in a ``spiffworkflow:property`` called ``role``.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import NamedTuple

from django.utils.translation import gettext as _

from govhall.core.errors import NotFound


class ProcessTemplate(NamedTuple):
    title_zh: str
    title_en: str
    file: str


class ProcessRole(NamedTuple):
    title_zh: str
    title_en: str


TEMPLATES: dict[str, ProcessTemplate] = {
    "instant": ProcessTemplate("即办件", "Instant case (decided on the spot)", "instant.bpmn"),
    "standard": ProcessTemplate(
        "承诺件（受理—审查—决定—送达）",
        "Standard case (accept, review, decide, deliver)",
        "standard.bpmn",
    ),
    "multi_level": ProcessTemplate(
        "多级审批（受理—承办—审核—审批—送达）",
        "Multi-level review (accept, handle, check, approve, deliver)",
        "multi_level.bpmn",
    ),
    "joint": ProcessTemplate(
        "并联审批（牵头受理—部门并联审查—牵头决定—送达）",
        "Joint approval (lead accepts, departments review in parallel, lead decides)",
        "joint.bpmn",
    ),
}

#: What a user task's ``role`` property may name. ``department`` is the role of each instance
#: of a multi-instance task: the instance's item (a department code) says which department.
ROLES: dict[str, ProcessRole] = {
    "window_clerk": ProcessRole("窗口受理", "Window clerk"),
    "reviewer": ProcessRole("审查（承办）", "Reviewer (handling officer)"),
    "checker": ProcessRole("审核", "Checker"),
    "approver": ProcessRole("审批（签发）", "Approver"),
    "department": ProcessRole("并联审批部门", "Department of a joint case"),
}


@functools.cache
def template_xml(key: str) -> str:
    """The BPMN XML of the built-in template ``key``; ``NotFound`` for an unknown key."""
    template = TEMPLATES.get(key)
    if template is None:
        raise NotFound(_("There is no process template %(key)s.") % {"key": key})
    return (
        files("govhall.cases.processes")
        .joinpath("templates", template.file)
        .read_text(encoding="utf-8")
    )


def role_label(role: str) -> str:
    """A process role in the current language (the roles carry both names)."""
    from django.utils.translation import get_language

    known = ROLES.get(role)
    if known is None:
        return role
    return known.title_en if (get_language() or "").startswith("en") else known.title_zh
