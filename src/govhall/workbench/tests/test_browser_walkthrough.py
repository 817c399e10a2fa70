"""One case from the citizen's application to the decision, in a real browser (Playwright
driving Debian's chromium against the live server).

张建国 signs in, applies for 最低生活保障 (form and the required material uploaded), submits
and lands on his case page. The bureau's clerk signs in, finds the case in the workbench
queue, opens it and sees the process diagram drawn by bpmn-js with 受理 highlighted, then
accepts, reviews and approves it, the highlight moving along. The citizen's case page then
shows the decision in its timeline. Screenshots go to test-results/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from govhall.archive.samples import make_pdf
from govhall.cases.models import Case
from govhall.cases.services.actions import case_act
from govhall.cases.services.process import version_process_set
from govhall.cases.tests.conftest import PASSWORD, new_case
from govhall.catalog.models import MaterialRequirement
from govhall.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 15_000
CURRENT = "g.djs-element.govhall-current"


@pytest.fixture
def browser(chromium: Any) -> Any:
    return chromium


def new_page(browser: Any, *, width: int = 1280) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def sign_in(page: Any, base: str, identifier: str, next_path: str) -> None:
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.fill("#id_pw-identifier", identifier)
    page.fill("#id_pw-password", PASSWORD)
    page.press("#id_pw-password", "Enter")
    page.wait_for_url(f"{base}{next_path}")


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def act(page: Any, action: str, opinion: str = "") -> None:
    form = page.locator(f"#form-{action}")
    if opinion:
        form.locator("textarea[name=opinion]").fill(opinion)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".messages .notice").count() == 1


def test_from_application_to_decision(
    live_server: Any, browser: Any, version: Any, zhang: Any, clerk: Any
) -> None:
    base = live_server.url
    requirement = MaterialRequirement.objects.get(version=version, source="applicant")

    # The citizen applies.
    citizen = new_page(browser, width=390)
    sign_in(citizen, base, "13985011234", f"/apply/{version.uuid}/")
    citizen.fill("#id_f_household_size", "3")
    citizen.fill("#id_f_monthly_income", "1200")
    # Let the form's as-you-type check (htmx) finish before the page is posted.
    citizen.locator("#id_f_monthly_income").blur()
    citizen.wait_for_load_state("networkidle")
    citizen.set_input_files(
        f'input[name="file_{requirement.uuid}"]',
        files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}],
    )
    with citizen.expect_navigation():
        citizen.click(f'button[value="upload:{requirement.uuid}"]')
    assert "申请书.pdf" in citizen.locator("#materials").inner_text()
    with citizen.expect_navigation():
        citizen.click('button[value="submit"]')
    match = re.search(r"/my/cases/(\d+)/$", citizen.url)
    assert match is not None
    number = match.group(1)
    shoot(citizen, "walkthrough-1-citizen-submitted-390.png")

    # The clerk finds it in the queue and opens it.
    staff = new_page(browser)
    sign_in(staff, base, "clerk.kaiyang", "/workbench/cases/")
    row = staff.locator(f'tr[data-case="{number}"]')
    assert row.locator("td").nth(1).inner_text() == "最低生活保障申请"
    assert row.locator(".deadline.deadline--green").inner_text().strip() != ""
    shoot(staff, "walkthrough-2-queue-1280.png")
    with staff.expect_navigation():
        row.get_by_role("link", name=number).click()
    staff.wait_for_selector(f'{CURRENT}[data-element-id="accept"]')
    assert staff.locator(CURRENT).count() == 1
    drawing = staff.locator(".process-diagram__canvas svg[tabindex]")
    assert drawing.get_attribute("role") == "img"
    assert drawing.get_attribute("aria-describedby") == "process-steps"
    shoot(staff, "walkthrough-3-case-submitted-1280.png")

    act(staff, "accept")
    staff.wait_for_selector(f'{CURRENT}[data-element-id="review"]')
    act(staff, "review", "家庭人均收入低于保障标准，材料齐全，建议准予。")
    staff.wait_for_selector(f'{CURRENT}[data-element-id="decide"]')
    act(staff, "approve", "准予享受最低生活保障。")
    staff.wait_for_selector(f'{CURRENT}[data-element-id="deliver"]')
    shoot(staff, "walkthrough-4-case-approved-1280.png")
    timeline = staff.locator("#timeline > li")
    assert timeline.count() == 4
    assert Case.objects.get(number=number).state == "approved"

    # The citizen sees the decision.
    citizen.reload()
    progress = citizen.locator("ol.timeline").inner_text()
    assert "作出决定：准予" in progress
    assert "准予享受最低生活保障。" in progress
    shoot(citizen, "walkthrough-5-citizen-decided-390.png")


def test_a_joint_case_highlights_the_parallel_reviews(
    live_server: Any, browser: Any, version: Any, zhang: Any, clerk: Any, department: Any
) -> None:
    """The lead's clerk on a phone-sized screen: the parallel review is drawn once and
    highlighted, the text list names each department still reviewing."""
    fire = department("520121", "开阳县消防救援大队")
    version_process_set(
        actor=clerk,
        version=version,
        template="joint",
        departments=[clerk.department.credit_code, fire.credit_code],
    )
    case = case_act(case=new_case(version, zhang), action="accept", actor=clerk)
    staff = new_page(browser, width=390)
    sign_in(staff, live_server.url, "clerk.kaiyang", f"/workbench/cases/{case.number}/")
    staff.wait_for_selector(f'{CURRENT}[data-element-id="department_review"]')
    assert staff.locator(CURRENT).count() == 1
    waiting = staff.locator('[data-step="department_review"] .process-step__departments')
    assert "开阳县民政局、开阳县消防救援大队" in waiting.inner_text()
    shoot(staff, "walkthrough-6-joint-case-390.png")
