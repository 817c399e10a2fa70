"""The BPMN process inside a case: started on submission, each staff action completes the step
it stands for, decisions wait for every review, joint items review in parallel, and the
process of a version is chosen or uploaded with checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from govhall.cases.models import CaseAction, VersionProcess
from govhall.cases.processes import template_xml
from govhall.cases.services.actions import case_act
from govhall.cases.services.process import version_process, version_process_set
from govhall.cases.tests.conftest import PASSWORD, new_case
from govhall.catalog.models import ItemVersion
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import AuditRecord
from govhall.identity.models import User

pytestmark = pytest.mark.django_db


def _staff(username: str, department: Any) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=True,
        department=department,
        region=department.region,
    )
    user.user_permissions.add(Permission.objects.get(codename="process_case"))
    return User.objects.get(pk=user.pk)


def test_a_new_case_waits_at_acceptance(version: Any, zhang: Any) -> None:
    case = new_case(version, zhang)
    assert [(s["spec_id"], s["role"]) for s in case.current_steps] == [("accept", "window_clerk")]
    assert version_process(version)[2] == "standard"


def test_an_instant_item_decides_right_after_acceptance(
    version: Any, zhang: Any, clerk: Any
) -> None:
    ItemVersion.objects.filter(pk=version.pk).update(case_kind="instant", promised_limit_days=0)
    version.refresh_from_db()
    case = new_case(version, zhang)
    assert [s["spec_id"] for s in case.current_steps] == ["accept_and_decide"]
    case_act(case=case, action="accept", actor=clerk)
    with pytest.raises(Conflict):
        case_act(case=case, action="review", actor=clerk, opinion="无需审查")
    decided = case_act(case=case, action="approve", actor=clerk, opinion="当场办结")
    assert [s["spec_id"] for s in decided.current_steps] == ["deliver"]


def test_a_joint_item_reviews_in_parallel_then_the_lead_decides(
    version: Any, zhang: Any, clerk: Any, department: Any
) -> None:
    fire = department("520121", "开阳县消防救援大队")
    environment = department("520121", "毕节市生态环境局开阳分局")
    lead = clerk.department
    version_process_set(
        actor=clerk,
        version=version,
        template="joint",
        departments=[lead.credit_code, fire.credit_code, environment.credit_code],
    )
    fire_officer = _staff("fire.kaiyang", fire)
    env_officer = _staff("env.kaiyang", environment)
    case = new_case(version, zhang)
    case = case_act(case=case, action="accept", actor=clerk)
    waiting = sorted(s["item"] for s in case.current_steps)
    assert waiting == sorted([lead.credit_code, fire.credit_code, environment.credit_code])
    # The lead cannot decide while departments are still reviewing.
    with pytest.raises(Conflict) as early:
        case_act(case=case, action="approve", actor=clerk, opinion="准予")
    assert "部门并联审查" in str(early.value.detail)
    # Each department completes its own review, in any order; another's is not theirs.
    case_act(case=case, action="review", actor=env_officer, opinion="无需环评，予以备案。")
    with pytest.raises(Conflict):
        case_act(case=case, action="review", actor=env_officer, opinion="再审一次")
    case_act(case=case, action="review", actor=fire_officer, opinion="消防检查合格。")
    case = case_act(case=case, action="review", actor=clerk, opinion="经营场所符合要求。")
    assert [s["spec_id"] for s in case.current_steps] == ["decide"]
    decided = case_act(case=case, action="approve", actor=clerk, opinion="准予许可。")
    assert decided.state == "approved"
    reviews = CaseAction.objects.filter(case=case, action="review").order_by("sequence")
    assert [a.data["department"] for a in reviews] == [
        environment.credit_code,
        fire.credit_code,
        lead.credit_code,
    ]


def test_choosing_and_uploading_processes_is_checked(version: Any, clerk: Any) -> None:
    with pytest.raises(ValidationFailed) as neither:
        version_process_set(actor=clerk, version=version)
    assert [e.code for e in neither.value.errors] == ["process.choose_one"]
    with pytest.raises(ValidationFailed) as no_departments:
        version_process_set(actor=clerk, version=version, template="joint")
    assert [e.code for e in no_departments.value.errors] == ["process.departments_required"]
    with pytest.raises(ValidationFailed) as unknown:
        version_process_set(
            actor=clerk, version=version, template="joint", departments=["915201210000000000"]
        )
    assert [e.code for e in unknown.value.errors] == ["process.department_unknown"]
    evil = (
        '<bpmn:scriptTask id="evil" scriptFormat="python">'
        "<bpmn:script>import os</bpmn:script></bpmn:scriptTask>"
    )
    scripted = template_xml("standard").replace(
        '<bpmn:userTask id="review"', evil + '<bpmn:userTask id="review"'
    )
    with pytest.raises(ValidationFailed) as refused:
        version_process_set(actor=clerk, version=version, bpmn=scripted)
    assert refused.value.errors[0].field == "bpmn"
    assert VersionProcess.objects.count() == 0
    chosen = version_process_set(actor=clerk, version=version, bpmn=template_xml("multi_level"))
    assert (chosen.template, version_process(version)[2]) == ("", "bpmn")
    assert AuditRecord.objects.filter(action="cases.version_process.set").count() == 1
