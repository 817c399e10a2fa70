"""Property tests: every well-formed ID number and credit code is accepted, and changing its
check character is always caught as a checksum error (never passed, never misreported)."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from govhall.conftest import make_credit_code
from govhall.core.identifiers import check_credit_code, check_id_number

AREAS = ["520102", "520121", "522622", "520302", "110105"]
CHECK_CHARACTERS = "0123456789X"


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(AREAS))
    birth = draw(
        st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2020, 12, 31))
    )
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


@settings(max_examples=200, deadline=None)
@given(number=id_numbers(), replacement=st.sampled_from(CHECK_CHARACTERS))
def test_id_numbers(number: str, replacement: str) -> None:
    assert check_id_number(number).errors == []
    if replacement != number[-1]:
        altered = number[:-1] + replacement
        assert [e.code for e in check_id_number(altered).errors] == ["id_number.checksum"]


@settings(max_examples=200, deadline=None)
@given(
    area=st.sampled_from(AREAS),
    serial=st.integers(min_value=0, max_value=99_999_999),
    replacement=st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXY"),
)
def test_credit_codes(area: str, serial: int, replacement: str) -> None:
    code = make_credit_code(area, serial)
    assert check_credit_code(code).errors == []
    if replacement != code[-1]:
        altered = code[:-1] + replacement
        assert [e.code for e in check_credit_code(altered).errors] == ["credit_code.checksum"]
