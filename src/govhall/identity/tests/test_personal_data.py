"""Personal identifiers at rest (core.personal_data): SM4-GCM tokens that name their key, so
keys rotate; a keyed SM3 blind index that is deterministic and separated by kind; masks for
every display; and a production profile that refuses the public development keys."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from govhall.core import personal_data
from govhall.core.identifiers import mask_id_number
from govhall.core.personal_data import (
    PersonalDataError,
    blind_index,
    decrypt,
    encrypt,
    key_id_of,
    mask_mobile,
    reencrypt,
)

KEY_A = "a1" * 16
KEY_B = "b2" * 16
INDEX_KEY = "c3" * 32


@pytest.fixture
def keys(settings: Any) -> Any:
    """Two configured keys, ``a`` current; the returned function makes another current."""
    settings.GOVHALL = {
        **settings.GOVHALL,
        "PERSONAL_DATA_KEYS": {"a": KEY_A, "b": KEY_B},
        "PERSONAL_DATA_KEY_ID": "a",
        "BLIND_INDEX_KEY": INDEX_KEY,
    }

    def make_current(key_id: str, **extra: Any) -> None:
        settings.GOVHALL = {**settings.GOVHALL, "PERSONAL_DATA_KEY_ID": key_id, **extra}

    return make_current


def _blob(token: str) -> bytes:
    return base64.b64decode(token.split(":")[2])


def test_round_trip(keys: Any) -> None:
    for value in ("520102199001011234", "13912345678", "52010219900101123X", "张三 ü"):
        assert decrypt(encrypt(value)) == value


def test_token_format_names_version_and_key(keys: Any) -> None:
    token = encrypt("13912345678")
    version, key_id, _blob_text = token.split(":")
    assert (version, key_id) == ("v1", "a")
    # 96-bit nonce + 11 bytes of ciphertext + 128-bit tag.
    assert len(_blob(token)) == 12 + 11 + 16
    assert "13912345678" not in token


def test_two_encryptions_of_one_value_differ(keys: Any) -> None:
    first, second = encrypt("13912345678"), encrypt("13912345678")
    assert first != second
    assert _blob(first)[:12] != _blob(second)[:12]  # a fresh nonce each time
    assert decrypt(first) == decrypt(second) == "13912345678"


@pytest.mark.parametrize("position", [0, 12, 20, -1])
def test_tampered_ciphertext_fails(keys: Any, position: int) -> None:
    token = encrypt("13912345678")
    blob = bytearray(_blob(token))
    blob[position] ^= 0x01
    tampered = "v1:a:" + base64.b64encode(bytes(blob)).decode()
    with pytest.raises(PersonalDataError, match="failed authentication"):
        decrypt(tampered)


def test_key_id_is_authenticated(keys: Any) -> None:
    """A token relabelled with another configured key id does not open."""
    token = encrypt("13912345678")
    with pytest.raises(PersonalDataError, match="failed authentication"):
        decrypt(token.replace("v1:a:", "v1:b:"))


@pytest.mark.parametrize(
    "token",
    ["", "13912345678", "v2:a:AAAA", "v1:a:not base64!", "v1:a:AAAA", "v1:a:b:c", "v1::AAAA"],
)
def test_malformed_tokens_fail(keys: Any, token: str) -> None:
    with pytest.raises(PersonalDataError):
        decrypt(token)


def test_unknown_key_fails(keys: Any) -> None:
    token = encrypt("13912345678").replace("v1:a:", "v1:gone:")
    with pytest.raises(PersonalDataError, match="'gone' is not configured"):
        decrypt(token)


def test_key_rotation(keys: Any) -> None:
    """Encrypt under A, make B current: the A token still opens and reencrypt moves it to B."""
    old = encrypt("520102199001011234")
    assert key_id_of(old) == "a"
    keys("b")
    assert decrypt(old) == "520102199001011234"
    assert key_id_of(encrypt("x")) == "b"
    new = reencrypt(old)
    assert key_id_of(new) == "b"
    assert decrypt(new) == "520102199001011234"
    assert reencrypt(new) == new  # already current: unchanged
    # Once every token is on B, A can be removed; B tokens keep opening.
    keys("b", PERSONAL_DATA_KEYS={"b": KEY_B})
    assert decrypt(new) == "520102199001011234"
    with pytest.raises(PersonalDataError, match="'a' is not configured"):
        decrypt(old)


def test_reencrypt_refuses_a_tampered_current_token(keys: Any) -> None:
    token = encrypt("13912345678")
    blob = bytearray(_blob(token))
    blob[-1] ^= 0x01
    with pytest.raises(PersonalDataError):
        reencrypt("v1:a:" + base64.b64encode(bytes(blob)).decode())


def test_blind_index_is_deterministic_and_kind_separated(keys: Any) -> None:
    index = blind_index("13912345678", kind="mobile")
    assert index == blind_index("13912345678", kind="mobile")
    assert len(index) == 64 and int(index, 16) >= 0
    assert index != blind_index("13912345678", kind="id_number")
    assert index != blind_index("13912345678", kind="social_security")
    assert index != blind_index("13912345679", kind="mobile")
    # Spellings of one number share an index.
    assert blind_index("139 1234-5678", kind="mobile") == index
    assert blind_index("+8613912345678", kind="mobile") == index
    id_index = blind_index("11010519491231002X", kind="id_number")
    assert blind_index("11010519491231002x", kind="id_number") == id_index
    assert blind_index(" 110105 19491231 002X ", kind="id_number") == id_index


def test_blind_index_of_legacy_id_equals_upgraded(keys: Any) -> None:
    """The 15-digit form 110105491231002 is 11010519491231002X."""
    assert blind_index("110105491231002", kind="id_number") == blind_index(
        "11010519491231002X", kind="id_number"
    )


def test_blind_index_depends_on_its_key(keys: Any) -> None:
    index = blind_index("13912345678", kind="mobile")
    keys("a", BLIND_INDEX_KEY="d4" * 32)
    assert blind_index("13912345678", kind="mobile") != index


def test_blind_index_kind_is_checked(keys: Any) -> None:
    with pytest.raises(ValueError, match="kind"):
        blind_index("x", kind="Mobile Number")


def test_masks() -> None:
    assert mask_mobile("13912345678") == "139****5678"
    assert mask_mobile("1391234") == "*******"
    assert mask_id_number("520102199001011234") == "5201**********1234"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"PERSONAL_DATA_KEY_ID": "c"}, "'c' is not in PERSONAL_DATA_KEYS"),
        ({"PERSONAL_DATA_KEYS": {"a": "a1" * 8}}, "must be 16 bytes"),
        ({"PERSONAL_DATA_KEYS": {"a": "zz" * 16}}, "not hexadecimal"),
        ({"PERSONAL_DATA_KEYS": {"a:b": KEY_A}, "PERSONAL_DATA_KEY_ID": "a:b"}, "key id"),
        ({"BLIND_INDEX_KEY": "c3" * 8}, "at least 16 bytes"),
    ],
)
def test_bad_configuration_is_refused(
    keys: Any, settings: Any, change: dict[str, Any], message: str
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, **change}
    with pytest.raises(ImproperlyConfigured, match=message):
        encrypt("13912345678")


def test_development_defaults_work_outside_production(settings: Any) -> None:
    from govhall.conf import base

    settings.GOVHALL = {
        **settings.GOVHALL,
        "PERSONAL_DATA_KEYS": base.INSECURE_DEVELOPMENT_PERSONAL_DATA_KEYS,
        "PERSONAL_DATA_KEY_ID": "dev-insecure",
        "BLIND_INDEX_KEY": base.INSECURE_DEVELOPMENT_BLIND_INDEX_KEY,
    }
    assert personal_data.current_key_id() == "dev-insecure"
    assert decrypt(encrypt("13912345678")) == "13912345678"


def _import_production(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    clean.update({"SECRET_KEY": "a-real-production-secret", **extra_env})
    return subprocess.run(
        [sys.executable, "-c", "import govhall.conf.production"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_development_keys() -> None:
    result = _import_production({})
    assert result.returncode == 1
    assert "GOVHALL_PERSONAL_DATA_KEYS must be set" in result.stderr
    result = _import_production({"GOVHALL_PERSONAL_DATA_KEYS": f"k1:{KEY_A}"})
    assert result.returncode == 1
    assert "GOVHALL_BLIND_INDEX_KEY must be set" in result.stderr
    result = _import_production(
        {
            "GOVHALL_PERSONAL_DATA_KEYS": f"k1:{KEY_A}",
            "GOVHALL_PERSONAL_DATA_KEY_ID": "k2",
            "GOVHALL_BLIND_INDEX_KEY": INDEX_KEY,
        }
    )
    assert result.returncode == 1
    assert "GOVHALL_PERSONAL_DATA_KEY_ID must name a key" in result.stderr
    keys = {
        "GOVHALL_PERSONAL_DATA_KEYS": f"k1:{KEY_A},k2:{KEY_B}",
        "GOVHALL_BLIND_INDEX_KEY": INDEX_KEY,
    }
    result = _import_production(keys)
    assert result.returncode == 1
    assert "GOVHALL_OIDC_PRIVATE_KEY(_FILE) must be set" in result.stderr
    keys["GOVHALL_OIDC_PRIVATE_KEY"] = _rsa_key_pem()
    result = _import_production(keys)
    assert result.returncode == 1
    assert "GOVHALL_OIDC_PAIRWISE_KEY must be set" in result.stderr
    keys["GOVHALL_OIDC_PAIRWISE_KEY"] = INDEX_KEY
    result = _import_production(keys)
    assert result.returncode == 1
    assert "GOVHALL_SMS_BACKEND must name a real SMS gateway" in result.stderr
    keys["GOVHALL_SMS_BACKEND"] = "http"
    result = _import_production(keys)
    assert result.returncode == 1
    assert "GOVHALL_SEAL_KEY_PASSPHRASE must be set" in result.stderr
    result = _import_production({**keys, "GOVHALL_SEAL_KEY_PASSPHRASE": "a-real-seal-passphrase"})
    assert result.returncode == 0, result.stderr


def _rsa_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_key_list_syntax_is_checked() -> None:
    result = _import_production({"GOVHALL_PERSONAL_DATA_KEYS": "k1-without-colon"})
    assert result.returncode == 1
    assert "GOVHALL_PERSONAL_DATA_KEYS: expected key_id:32-hex-digits" in result.stderr
