"""The public case look-up (办件进度查询): the case number and the applicant's query code show
the progress only — no names, opinions or materials; an unknown number and a wrong code get
the same 400 answer; an address may look up 10 times in 10 minutes (then 429, naming the time
to come back), and again once its window has passed. The applicant
finds the query code on their case page and in the submission notice."""

from __future__ import annotations

import datetime
import math
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from govhall.cases.lookup import (
    PublicProgress,
    TimelineEntry,
    case_lookup_code,
    case_public_progress,
)
from govhall.cases.models import Case
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import SHANGHAI, new_case

pytestmark = pytest.mark.django_db

D = datetime.date
URL = "/cases/lookup/"
SUPPLEMENT_NOTE = "缺少户口簿复印件。"
REVIEW_NOTE = "家庭收入核实无误（内部）"
NO_MATCH = "No case matches this number and query code. Check both and try again."


@pytest.fixture
def case(version: Any, zhang: Any, clerk: Any, at: Any) -> Case:
    """Submitted 2026-12-01, asked for a supplement, supplemented, accepted and reviewed."""
    with at(2026, 12, 1, 9):
        made = new_case(version, zhang)
    with at(2026, 12, 1, 10):
        case_act(case=made, action="request_supplement", actor=clerk, opinion=SUPPLEMENT_NOTE)
    with at(2026, 12, 3, 15):
        case_act(case=made, action="supplement", actor=zhang.user)
    with at(2026, 12, 4, 9):
        case_act(case=made, action="accept", actor=clerk)
        case_act(case=made, action="review", actor=clerk, opinion=REVIEW_NOTE)
    # The log's own clock is not frozen by ``at`` (a field default): date the entries here.
    for action, day in (("request_supplement", 1), ("supplement", 3), ("accept", 4)):
        made.actions.filter(action=action).update(
            occurred_at=datetime.datetime(2026, 12, day, 10, tzinfo=SHANGHAI)
        )
    return Case.objects.get(pk=made.pk)


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_right_code_gives_the_progress_only(case: Case) -> None:
    typed = " ".join(case_lookup_code(case.number).lower())  # case and spaces do not matter
    with translation.override("en"):
        progress = case_public_progress(f" {case.number} ", typed)
    assert progress is not None
    assert progress.timeline == [
        TimelineEntry(D(2026, 12, 1), "Application submitted"),
        TimelineEntry(D(2026, 12, 1), "Asked once for everything missing (补正)"),
        TimelineEntry(D(2026, 12, 3), "Missing materials supplied"),
        TimelineEntry(D(2026, 12, 4), "Accepted"),
    ]
    assert progress == PublicProgress(
        number=case.number,
        item_name="最低生活保障申请",
        department_name="开阳县民政局",
        state_label="Accepted, under review",
        received_on=D(2026, 12, 1),
        accepted_on=D(2026, 12, 4),
        promised_due_on=case.promised_due_on,
        is_due_provisional=case.due_provisional,
        timeline=progress.timeline,
    )
    assert case.promised_due_on is not None


def test_a_wrong_code_and_an_unknown_number_get_nothing(case: Case) -> None:
    code = case_lookup_code(case.number)
    wrong = "22222222" if code != "22222222" else "33333333"
    assert case_public_progress(case.number, wrong) is None
    assert case_public_progress("5201212026120199999", code) is None
    assert case_public_progress(case.number, "") is None


def test_the_page_shows_progress_without_names_or_opinions(
    case: Case, english: Client, zhang: Any
) -> None:
    assert english.get(URL).status_code == 200
    response = english.post(URL, {"number": case.number, "code": case_lookup_code(case.number)})
    page = response.content.decode()
    assert response.status_code == 200
    for shown in (
        case.number,
        "最低生活保障申请",
        "开阳县民政局",
        "Accepted, under review",
        "2026-12-01",
        "Asked once for everything missing (补正)",
        "Missing materials supplied",
    ):
        assert shown in page, shown
    for hidden in (SUPPLEMENT_NOTE, REVIEW_NOTE, "Review opinion", zhang.name, "clerk.kaiyang"):
        assert hidden not in page, hidden
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_wrong_code_and_an_unknown_number_get_the_same_message(
    case: Case, english: Client
) -> None:
    wrong = english.post(URL, {"number": case.number, "code": "23456789"})
    unknown = english.post(
        URL, {"number": "5201212026120199999", "code": case_lookup_code(case.number)}
    )
    for response in (wrong, unknown):
        page = response.content.decode()
        assert response.status_code == 400
        assert NO_MATCH in page
        assert "最低生活保障申请" not in page


def test_the_eleventh_look_up_in_ten_minutes_is_refused(case: Case, english: Client) -> None:
    for _attempt in range(10):
        assert english.post(URL, {"number": case.number, "code": "23456789"}).status_code == 400
    before = timezone.localtime()
    limited = english.post(URL, {"number": case.number, "code": case_lookup_code(case.number)})
    after = timezone.localtime()
    assert limited.status_code == 429
    retry_after = int(limited["Retry-After"])
    assert 1 <= retry_after <= 600
    notice = re.search(
        r"Too many look-ups from your network\. Try again at (\d\d:\d\d) "
        r"\(in about (\d+) minutes?\)\.",
        " ".join(limited.content.decode().split()),
    )
    assert notice is not None
    wait = datetime.timedelta(seconds=retry_after)
    assert notice[1] in {f"{before + wait:%H:%M}", f"{after + wait:%H:%M}"}
    assert int(notice[2]) == math.ceil(retry_after / 60)
    assert "最低生活保障申请" not in limited.content.decode()
    # Another address is counted on its own.
    other = english.post(
        URL,
        {"number": case.number, "code": case_lookup_code(case.number)},
        REMOTE_ADDR="10.0.0.2",
    )
    assert other.status_code == 200


def test_the_form_needs_its_csrf_token(case: Case) -> None:
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(URL).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert strict.post(URL, {"number": case.number, "code": "23456789"}).status_code == 403


def test_the_applicant_finds_the_query_code_on_the_case_page(case: Case, zhang: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(zhang.user)
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert f'<span class="code">{case_lookup_code(case.number)}</span>' in page
    assert 'href="/cases/lookup/"' in page  # the footer links the look-up


def test_an_address_may_look_up_again_once_its_window_has_passed(
    case: Case, english: Client, settings: Any
) -> None:
    settings.GOVHALL = {
        **settings.GOVHALL,
        "CASE_LOOKUP_MAX_PER_WINDOW": 2,
        "CASE_LOOKUP_WINDOW_SECONDS": 1,
    }
    right = {"number": case.number, "code": case_lookup_code(case.number)}
    assert [english.post(URL, right).status_code for _attempt in range(3)] == [200, 200, 429]
    time.sleep(1.1)  # the cache forgets the window: a new one opens
    assert english.post(URL, right).status_code == 200
