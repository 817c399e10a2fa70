"""The harness's clients: citizens submitting through the API, staff taking actions on them.

They behave as a careful client must against a server that may die at any moment: a request
that fails without an answer (connection refused or reset, a 5xx) is sent again, unchanged
and with the same ``Idempotency-Key`` for a submission, until the server answers or
``RETRY_SECONDS`` pass. Case actions carry no key, so before an action is sent again the case
is read back: when the log already holds it at the expected place, the lost answer was a
success. Every answer a client received is written down (``Ledger``) for the checks.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

#: How long one logical request is retried while the server is down or restarting.
RETRY_SECONDS = 120.0
REQUEST_TIMEOUT = 30.0
SUBMIT = "/api/v1/cases/"

#: What staff do with a submitted case, and how often (weights): every path ends in a state
#: the case may rest in. ``withdraw`` is the applicant's.
PLANS: dict[str, tuple[str, ...]] = {
    "grant_close": ("accept", "review", "approve", "deliver", "close"),
    "grant": ("accept", "review", "approve", "deliver"),
    "review": ("accept", "review"),
    "reject_close": ("accept", "review", "reject", "close"),
    "refuse": ("refuse",),
    "withdraw": ("withdraw",),
    "none": (),
}
PLAN_WEIGHTS = {
    "grant_close": 30,
    "grant": 25,
    "review": 10,
    "reject_close": 10,
    "refuse": 10,
    "withdraw": 10,
    "none": 5,
}
#: How a submission is sent: once, twice at the same moment with one key, or once more
#: after its answer (both must name the same case).
MODES = {"plain": 80, "concurrent": 10, "replay": 10}
OPINIONS = {
    "refuse": "申请人不属于本县户籍，不予受理。",
    "review": "经入户调查，家庭收入情况属实。",
    "approve": "符合最低生活保障条件，准予。",
    "reject": "家庭人均收入高于当地保障标准，不予批准。",
    "withdraw": "家庭情况已好转，撤回申请。",
}
DATA = {"deliver": {"method": "electronic"}}


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    username: str
    token: str
    mobile: str = ""


@dataclass(frozen=True, slots=True)
class Submission:
    index: int
    key: str
    citizen: Account
    plan: str
    mode: str
    body: dict[str, Any]


@dataclass
class Ledger:
    """What the clients were told, for the checks (appended to by many threads)."""

    #: key -> (citizen username, case number, HTTP status of the acknowledgement)
    acknowledged: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    #: key -> every case number an answer named for it (replays, concurrent twins)
    numbers_seen: dict[str, set[str]] = field(default_factory=dict)
    #: (case number, action, sequence) acknowledged by a 200 or found in the log after a
    #: lost answer
    actions_done: list[tuple[str, str, int]] = field(default_factory=list)
    #: (case number) -> the plan's name, for cases whose plan was finished
    plans_finished: dict[str, str] = field(default_factory=dict)
    plans_of: dict[str, str] = field(default_factory=dict)
    uploads: int = 0
    uploads_refused: int = 0  # into a draft another thread of the citizen had just submitted
    requests: int = 0
    retries: int = 0
    lost_answers: int = 0  # an action committed but its answer was lost (found in the log)
    given_up: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


class Client:
    """One thread's keep-alive session against the server."""

    def __init__(self, base_url: str, ledger: Ledger, stop: threading.Event) -> None:
        self.base_url = base_url
        self.ledger = ledger
        self.stop = stop
        self.session = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        json: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
    ) -> tuple[int, Any] | None:
        """The server's answer (status, JSON body), or None once RETRY_SECONDS passed without
        one. ``retry=False`` returns None after the first failure instead."""
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.1
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        while True:
            with self.ledger.lock:
                self.ledger.requests += 1
            try:
                response = self.session.request(
                    method,
                    self.base_url + path,
                    json=json,
                    files=files,
                    data=data,
                    headers=all_headers,
                    timeout=REQUEST_TIMEOUT,
                    allow_redirects=False,
                )
                if response.status_code < 500:
                    body = response.json() if response.content else None
                    return response.status_code, body
            except (requests.ConnectionError, requests.Timeout):
                self.session.close()  # its pooled connections died with the server
            except ValueError:  # a body that is not JSON: a half-written answer
                pass
            if not retry or time.monotonic() > deadline:
                return None
            with self.ledger.lock:
                self.ledger.retries += 1
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    def case(self, number: str, token: str) -> dict[str, Any] | None:
        answer = self.call("GET", f"/api/v1/cases/{number}", token)
        if answer is None or answer[0] != 200:
            return None
        result: dict[str, Any] = answer[1]
        return result


def citizen_submit(
    client: Client,
    submission: Submission,
    requirements: list[str],
    pdf: bytes,
    version: str,
    handoff: Callable[[Submission, str], None],
) -> None:
    """Upload the materials, submit with the submission's key, hand the case to the staff."""
    ledger = client.ledger
    citizen = submission.citizen
    materials = []
    for requirement in requirements:
        for _attempt in range(3):
            answer = client.call(
                "POST",
                "/api/v1/cases/uploads",
                citizen.token,
                data={"version": version, "requirement": requirement},
                files={"file": ("申请材料.pdf", pdf, "application/pdf")},
            )
            # 404: another thread of this citizen just submitted the draft the upload went
            # into (refused, as it must be); the next upload opens a new draft.
            if answer is None or answer[0] != 404:
                break
            with ledger.lock:
                ledger.uploads_refused += 1
        if answer is None or answer[0] != 201:
            ledger.problem(f"{submission.key}: upload answered {answer}")
            return
        materials.append(answer[1]["uuid"])
        with ledger.lock:
            ledger.uploads += 1
    body = {**submission.body, "materials": materials}
    headers = {"Idempotency-Key": submission.key}
    answers: list[tuple[int, Any] | None] = []

    def send(sender: Client) -> None:
        answers.append(sender.call("POST", SUBMIT, citizen.token, json=body, headers=headers))

    if submission.mode == "concurrent":
        twin = threading.Thread(target=send, args=(Client(client.base_url, ledger, client.stop),))
        twin.start()
        send(client)
        twin.join(timeout=RETRY_SECONDS + REQUEST_TIMEOUT + 10)
    else:
        send(client)
    if submission.mode == "replay" and answers[0] is not None and answers[0][0] in (200, 201):
        send(client)
    numbers = set()
    acknowledged: tuple[int, Any] | None = None
    for answer in answers:
        if answer is None:
            continue
        status, payload = answer
        if status not in (200, 201):
            ledger.problem(f"{submission.key}: submission answered {status} {payload}")
            continue
        numbers.add(payload["number"])
        if acknowledged is None or status == 201:
            acknowledged = answer
    with ledger.lock:
        ledger.numbers_seen[submission.key] = numbers
    if acknowledged is None:
        with ledger.lock:
            ledger.given_up.append(submission.key)
        return
    if len(numbers) != 1:
        ledger.problem(f"{submission.key}: one key, several cases {sorted(numbers)}")
    number = acknowledged[1]["number"]
    with ledger.lock:
        ledger.acknowledged[submission.key] = (citizen.username, number, acknowledged[0])
        ledger.plans_of[number] = submission.plan
    handoff(submission, number)


def plan_run(
    client: Client, number: str, submission: Submission, clerk: Account, approver: Account
) -> None:
    """Take the plan's actions on the case, each once, in order."""
    for offset, action in enumerate(PLANS[submission.plan]):
        if client.stop.is_set():
            return
        actor = approver if action in ("approve", "reject") else clerk
        if action == "withdraw":
            actor = submission.citizen
        if not action_take(client, number, action, offset + 2, actor, clerk):
            return
    with client.ledger.lock:
        client.ledger.plans_finished[number] = submission.plan


def action_take(
    client: Client, number: str, action: str, sequence: int, actor: Account, reader: Account
) -> bool:
    """Send ``action`` until the log holds it at ``sequence``; False on a real refusal."""
    ledger = client.ledger
    body = {"opinion": OPINIONS.get(action, ""), "data": DATA.get(action, {})}
    path = f"/api/v1/cases/{number}/actions/{action.replace('_', '-')}"
    deadline = time.monotonic() + RETRY_SECONDS
    while time.monotonic() < deadline:
        answer = client.call("POST", path, actor.token, json=body, retry=False)
        if answer is not None and answer[0] == 200:
            entry = answer[1]["timeline"][-1]
            if (entry["action"], entry["sequence"]) != (action, sequence):
                ledger.problem(f"{number}: {action} answered with log entry {entry}")
            with ledger.lock:
                ledger.actions_done.append((number, action, sequence))
            return True
        if answer is not None and answer[0] not in (409,):
            ledger.problem(f"{number}: {action} answered {answer[0]} {answer[1]}")
            return False
        # No answer, or 409: the action may have committed before the answer was lost.
        case = client.case(number, reader.token)
        if case is None:
            continue
        if any(e["sequence"] == sequence and e["action"] == action for e in case["timeline"]):
            with ledger.lock:
                ledger.actions_done.append((number, action, sequence))
                ledger.lost_answers += 1
            return True
        if answer is not None:  # a 409 for an action that is not in the log
            ledger.problem(f"{number}: {action} refused with 409 ({case['state']}): {answer[1]}")
            return False
    ledger.problem(f"{number}: {action} not taken within {RETRY_SECONDS} s")
    return False


def staff_worker(
    client: Client,
    work: queue.Queue[tuple[str, Submission] | None],
    clerk: Account,
    approver: Account,
) -> None:
    while True:
        item = work.get()
        if item is None:
            return
        number, submission = item
        plan_run(client, number, submission, clerk, approver)
