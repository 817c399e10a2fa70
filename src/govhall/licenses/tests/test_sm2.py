"""SM2 with SM3 through libcrypto, checked by the openssl command line both ways
(interoperability, not only self-consistency)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govhall.core import sm2
from govhall.licenses.tests.openssl import openssl, openssl_verify

PASSPHRASE = b"a seal passphrase of some length"
MESSAGE = "准予行政许可决定书 开阳县市场监督管理局".encode()


@pytest.fixture(scope="module")
def keys() -> sm2.KeyPair:
    return sm2.generate(PASSPHRASE)


def test_openssl_verifies_govhalls_signature(keys: sm2.KeyPair, tmp_path: Path) -> None:
    signature = sm2.sign(MESSAGE, private_pem=keys.private_pem, passphrase=PASSPHRASE)
    arguments = {"signature": signature, "public_pem": keys.public_pem}
    assert openssl_verify(tmp_path, message=MESSAGE, **arguments) == "Verified OK\n"
    altered = openssl_verify(tmp_path, message=MESSAGE + b" ", **arguments)
    assert altered == "Verification failure\n"


def test_govhall_verifies_openssls_signature_with_the_encrypted_key(
    keys: sm2.KeyPair, tmp_path: Path
) -> None:
    (tmp_path / "key.pem").write_bytes(keys.private_pem)
    (tmp_path / "message").write_bytes(MESSAGE)
    signed = openssl(
        "dgst", "-sm3", "-sigopt", "distid:1234567812345678",
        "-passin", f"pass:{PASSPHRASE.decode()}", "-sign", str(tmp_path / "key.pem"),
        "-out", str(tmp_path / "signature"), str(tmp_path / "message"),
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    signature = (tmp_path / "signature").read_bytes()
    assert sm2.verify(MESSAGE, signature, public_pem=keys.public_pem)
    assert not sm2.verify(MESSAGE + b"!", signature, public_pem=keys.public_pem)
    assert not sm2.verify(MESSAGE, signature, public_pem=keys.public_pem, identifier=b"other")


def test_the_private_key_is_encrypted_and_needs_its_passphrase(keys: sm2.KeyPair) -> None:
    assert keys.private_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert sm2.public_pem_of(keys.private_pem, PASSPHRASE) == keys.public_pem
    with pytest.raises(sm2.SM2Error, match="bad decrypt"):
        sm2.sign(MESSAGE, private_pem=keys.private_pem, passphrase=b"not the passphrase at all")
    with pytest.raises(ValueError, match="16 bytes"):
        sm2.generate(b"short")


def test_a_malformed_signature_is_not_valid(keys: sm2.KeyPair) -> None:
    assert sm2.verify(MESSAGE, b"", public_pem=keys.public_pem) is False
    assert sm2.verify(MESSAGE, b"\x30\x02\x01\x00", public_pem=keys.public_pem) is False
    other = sm2.generate(PASSPHRASE)
    signature = sm2.sign(MESSAGE, private_pem=other.private_pem, passphrase=PASSPHRASE)
    assert sm2.verify(MESSAGE, signature, public_pem=keys.public_pem) is False
    with pytest.raises(sm2.SM2Error):
        sm2.verify(MESSAGE, signature, public_pem=b"-----BEGIN PUBLIC KEY-----\nAAAA\n")
