"""Identifiers follow STANDARDS.md: bad length, format, date or check character are errors;
an area code missing from GB/T 2260 is only a warning; 15-digit numbers are upgraded."""

from __future__ import annotations

from govhall.conftest import make_credit_code
from govhall.core.identifiers import (
    check_credit_code,
    check_id_number,
    mask_id_number,
    parse_id_number,
    upgrade_legacy_id_number,
)

VALID_ID = "11010519491231002X"  # GB 11643's own example


def codes(check) -> list[str]:  # type: ignore[no-untyped-def]
    return [error.code for error in check.errors]


def test_valid_id_number_has_no_errors_and_parses() -> None:
    check = check_id_number(VALID_ID)
    assert check.is_valid and check.warnings == []
    parsed = parse_id_number(check.value)
    assert str(parsed.birth_date) == "1949-12-31"
    assert parsed.is_male is False


def test_id_number_errors_have_stable_codes() -> None:
    assert codes(check_id_number("1101051949123100")) == ["id_number.length"]
    assert codes(check_id_number("11010519491231A02X")) == ["id_number.format"]
    assert codes(check_id_number("110105194902300021")) == ["id_number.birth_date"]
    assert codes(check_id_number("110105194912310021")) == ["id_number.checksum"]


def test_unknown_area_is_a_warning_not_an_error() -> None:
    body = "99010519491231002"
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    check = check_id_number(number)
    assert check.is_valid
    assert [w.code for w in check.warnings] == ["id_number.area"]


def test_legacy_fifteen_digit_number_is_upgraded() -> None:
    assert upgrade_legacy_id_number("110105491231002") == "11010519491231002X"
    check = check_id_number("110105491231002")
    assert check.is_valid and check.value == "11010519491231002X"


def test_mask_keeps_four_and_four() -> None:
    assert mask_id_number("520102199001011234") == "5201**********1234"


def test_credit_code_checks() -> None:
    good = make_credit_code("520121", 12345678)
    assert check_credit_code(good).is_valid
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert codes(check_credit_code(bad)) == ["credit_code.checksum"]
    assert codes(check_credit_code(good[:17])) == ["credit_code.length"]
    assert codes(check_credit_code(good[:-1] + "I")) == ["credit_code.format"]


def test_credit_code_checksum_override_turns_error_into_warning() -> None:
    good = make_credit_code("520121", 12345678)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    check = check_credit_code(bad, allow_checksum_override=True)
    assert check.is_valid
    assert [w.code for w in check.warnings] == ["credit_code.checksum"]
