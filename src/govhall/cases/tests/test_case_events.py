"""Each log entry is announced on the outbox in its own transaction; a grant also announces
``cases.case.granted`` for the licence library."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.core.errors import Conflict
from govhall.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_events_follow_the_log(version: Any, zhang: Any, clerk: Any) -> None:
    case = new_case(version, zhang)
    case_act(case=case, action="accept", actor=clerk)
    case_act(case=case, action="review", actor=clerk, opinion="家庭收入核实无误（内部）")
    with pytest.raises(Conflict):
        case_act(case=case, action="deliver", actor=clerk)
    case_act(case=case, action="approve", actor=clerk, opinion="符合低保条件，准予。")
    topics = list(OutboxEvent.objects.order_by("id").values_list("topic", flat=True))
    assert topics == [
        "cases.case.submit",
        "cases.case.accept",
        "cases.case.review",
        "cases.case.approve",
        "cases.case.granted",
    ]
    review, granted = (
        OutboxEvent.objects.get(topic="cases.case.review"),
        OutboxEvent.objects.get(topic="cases.case.granted"),
    )
    # Review notes are internal; the decision's reasons are told to the applicant.
    assert review.payload["opinion"] == ""
    assert granted.payload["opinion"] == "符合低保条件，准予。"
    assert granted.payload["label_zh"] == "作出决定：准予"
    assert granted.payload["number"] == case.number
    assert granted.payload["applicant_person"] == str(zhang.uuid)
    assert granted.payload["item"] == version.handling_item.name
