"""Identity fixtures: demo-source persons (valid ID numbers the demo population source knows)."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.identity.models import Person
from govhall.identity.services import person_register
from govhall.identity.sms.contrib import memory

PASSWORD = "Kaiyang-2026-secure"
ZHANG = {"name": "张建国", "id_number": "522522194403151231", "mobile": "13985011234"}
LI = {"name": "李秀英", "id_number": "522522194612022241", "mobile": "13985012345"}
CHEN = {"name": "陈志强", "id_number": "520102198505215178", "mobile": "13908511234"}
YANG = {"name": "杨丽", "id_number": "520102199002086284", "mobile": "13908512345"}
HUANG = {"name": "黄梅", "id_number": "522522198804068429", "mobile": "18798014567"}
LUO_DECEASED = {"name": "罗永福", "id_number": "522522193809054314", "mobile": "13985019876"}


@pytest.fixture
def make_person(db: Any) -> Any:
    def make(data: dict[str, str]) -> Person:
        return person_register(password=PASSWORD, **data)

    return make


@pytest.fixture
def sms_outbox() -> Any:
    memory.outbox.clear()
    yield memory.outbox
    memory.outbox.clear()


def last_code(outbox: list[memory.SentSms]) -> str:
    """The six digits of the last message."""
    import re

    match = re.search(r"(?<!\d)(\d{6})(?!\d)", outbox[-1].text)
    assert match is not None, outbox[-1].text
    return match.group(1)
