"""GB/T 36904 license identifiers: the check character is ISO 7064 MOD 37,36 over the four
middle parts (property-tested against python-stdnum); malformed or mistyped ones are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from govhall.licenses.identifiers import IdentifierError, identifier_build, identifier_parse

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TYPE = "11100000000133946U001"
ISSUER = "11520121170512017U"


def test_an_identifier_has_the_root_five_parts_and_a_check_character() -> None:
    identifier = identifier_build(type_code=TYPE, issuer_code=ISSUER, serial="202600000001")
    text = str(identifier)
    assert text.startswith(f"1.2.156.3005.2.{TYPE}.{ISSUER}.202600000001.001.")
    assert mod_37_36.is_valid(f"{TYPE}{ISSUER}202600000001001{identifier.check}")
    assert identifier_parse(text.lower()) == identifier


@settings(max_examples=300, deadline=None)
@given(
    type_body=st.text(alphabet=ALPHABET, min_size=18, max_size=18),
    type_number=st.integers(min_value=0, max_value=999),
    issuer=st.text(alphabet=ALPHABET, min_size=18, max_size=18),
    serial=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=40),
    version=st.integers(min_value=1, max_value=999),
)
def test_the_check_character_is_stdnums_mod_37_36(
    type_body: str, type_number: int, issuer: str, serial: str, version: int
) -> None:
    type_code = f"{type_body}{type_number:03d}"
    identifier = identifier_build(
        type_code=type_code, issuer_code=issuer, serial=serial, version=version
    )
    body = f"{type_code}{issuer}{serial}{version:03d}"
    assert identifier.check == mod_37_36.calc_check_digit(body)
    assert mod_37_36.is_valid(body + identifier.check)
    assert identifier_parse(str(identifier)) == identifier


def test_a_wrong_check_character_or_shape_is_refused() -> None:
    good = str(identifier_build(type_code=TYPE, issuer_code=ISSUER, serial="202600000001"))
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    with pytest.raises(IdentifierError, match="check character"):
        identifier_parse(wrong)
    for text in ("", "1.2.156.3005.2", good.replace("3005", "3006"), good + ".1"):
        with pytest.raises(IdentifierError, match="not a license identifier"):
            identifier_parse(text)
    with pytest.raises(IdentifierError, match="type code"):
        identifier_build(type_code="123", issuer_code=ISSUER, serial="1")
    with pytest.raises(IdentifierError, match="serial"):
        identifier_build(type_code=TYPE, issuer_code=ISSUER, serial="2026.1")
