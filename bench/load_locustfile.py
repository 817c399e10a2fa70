"""Mixed traffic for ``bench_load.py`` (run by locust; not on its own).

Three kinds of users, in the proportions ``bench_load.py`` passes (default 8 : 1 : 1):

* **visitors** read guides and search: the guide page ``/items/<实施编码>/`` (HTML), the portal's
  search page, the search API and the guide API, over every published item of the demo;
* **citizens** apply: three material uploads and ``POST /api/v1/cases/`` with a fresh
  ``Idempotency-Key`` (a personal access token each), and read their cases;
* **staff** take the next step of the cases submitted during the run (accept, review, approve
  by the head of the bureau, deliver, close; one step per turn, so no two clerks act on one
  case) and read their work queue.

``LOAD_CONFIG`` names the JSON file ``bench_load.py`` writes: tokens, the item version, its
materials, implementation codes and search words.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG: dict[str, Any] = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
PATH = ("accept", "review", "approve", "deliver", "close")
BODIES = {
    "review": {"opinion": "经入户调查，家庭收入情况属实。"},
    "approve": {"opinion": "符合最低生活保障条件，准予。"},
    "deliver": {"data": {"method": "electronic"}},
}
#: Cases submitted in this run and the index of their next step (one locust process: shared).
PIPELINE: collections.deque[tuple[str, int]] = collections.deque()
CITIZENS = itertools.cycle(CONFIG["citizens"])
BOUNDARY = "govhall-load-boundary"
THINK = between(CONFIG["think_min"], CONFIG["think_max"])


def multipart(fields: dict[str, str], pdf: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        'filename="application.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + pdf
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


PDF = Path(CONFIG["pdf"]).read_bytes()


class Visitor(FastHttpUser):
    weight = CONFIG["weights"]["visitor"]
    wait_time = THINK

    @task(5)
    def guide_page(self) -> None:
        code = random.choice(CONFIG["codes"])
        self.client.get(f"/items/{code}/", name="guide page /items/<code>/")

    @task(2)
    def search_page(self) -> None:
        word = random.choice(CONFIG["words"])
        self.client.get(f"/search/?q={quote(word)}", name="search page /search/?q=")

    @task(2)
    def search_api(self) -> None:
        word = random.choice(CONFIG["words"])
        self.client.get(f"/api/v1/catalog/items?q={quote(word)}", name="API search")

    @task(1)
    def guide_api(self) -> None:
        code = random.choice(CONFIG["codes"])
        self.client.get(f"/api/v1/catalog/items/{code}", name="API guide")


class Citizen(FastHttpUser):
    weight = CONFIG["weights"]["citizen"]
    wait_time = THINK

    def on_start(self) -> None:
        self.account = next(CITIZENS)
        self.auth = {"Authorization": f"Bearer {self.account['token']}"}

    @task(2)
    def apply(self) -> None:
        materials = []
        for requirement in CONFIG["requirements"]:
            body = multipart({"version": CONFIG["version"], "requirement": requirement}, PDF)
            with self.client.post(
                "/api/v1/cases/uploads",
                data=body,  # type: ignore[arg-type]  # bytes are sent as they are
                headers={
                    **self.auth,
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                },
                name="upload a material",
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"status {response.status_code}")
                    return
                materials.append(response.json()["uuid"])
        form = dict(self.account["form"])
        with self.client.post(
            "/api/v1/cases/",
            json={"version": CONFIG["version"], "form_data": form, "materials": materials},
            headers={**self.auth, "Idempotency-Key": str(uuid.uuid4())},
            name="submit (Idempotency-Key)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}")
                return
            PIPELINE.append((response.json()["number"], 0))

    @task(1)
    def my_cases(self) -> None:
        self.client.get("/api/v1/cases/", headers=self.auth, name="my cases")


class Staff(FastHttpUser):
    weight = CONFIG["weights"]["staff"]
    wait_time = THINK

    def on_start(self) -> None:
        self.clerk = {"Authorization": f"Bearer {CONFIG['clerk']}"}
        self.head = {"Authorization": f"Bearer {CONFIG['approver']}"}

    @task(3)
    def next_step(self) -> None:
        if not PIPELINE:
            self.queue()
            return
        number, step = PIPELINE.popleft()
        action = PATH[step]
        with self.client.post(
            f"/api/v1/cases/{number}/actions/{action}",
            json=BODIES.get(action, {}),
            headers=self.head if action == "approve" else self.clerk,
            name="staff action",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{action}: status {response.status_code}")
                return
        if step + 1 < len(PATH):
            PIPELINE.append((number, step + 1))

    @task(1)
    def queue(self) -> None:
        self.client.get("/api/v1/cases/?view=queue", headers=self.clerk, name="work queue")
