"""Seals whose key a signing server holds (licenses.signers.RemoteSigner): the key pair is
made there, govhall keeps only its reference and public key, licenses signed through it
verify (also with openssl); a server that answers wrongly or not at all stops the issuing with
a clear error and nothing written."""

from __future__ import annotations

import base64
import datetime
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from govhall.core import sm2
from govhall.core.models import AuditRecord
from govhall.licenses.models import License
from govhall.licenses.signers import SignerUnavailable
from govhall.licenses.tests.conftest import FACE
from govhall.licenses.tests.openssl import openssl_verify
from govhall.licenses.tests.test_issue_and_verify import RESTAURANT
from govhall.licenses.verification import license_verify

pytestmark = pytest.mark.django_db
TOKEN = "device-token-2026"
DEVICE_PASSPHRASE = b"held-inside-the-device"


class FakeSigningServer:
    """A signing server on loopback: keys stay inside it; ``wrong`` makes it sign garbage."""

    def __init__(self) -> None:
        self.keys: dict[str, sm2.KeyPair] = {}
        self.wrong = False
        self.calls: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.calls.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path == "/keys":
                    key_id = f"k{len(outer.keys) + 1}"
                    outer.keys[key_id] = sm2.generate(DEVICE_PASSPHRASE)
                    answer = {
                        "key_id": key_id,
                        "public_key_pem": outer.keys[key_id].public_pem.decode(),
                    }
                else:
                    key_id = self.path.split("/")[2]
                    message = base64.b64decode(body["message"])
                    signature = sm2.sign(
                        message if not outer.wrong else message + b"!",
                        private_pem=outer.keys[key_id].private_pem,
                        passphrase=DEVICE_PASSPHRASE,
                    )
                    answer = {"signature": base64.b64encode(signature).decode()}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def device() -> Iterator[FakeSigningServer]:
    server = FakeSigningServer()
    server.thread.start()
    try:
        with override_settings(
            GOVHALL={
                **settings.GOVHALL,
                "SEAL_SIGNER": "remote",
                "SEAL_SIGNER_URL": server.url,
                "SEAL_SIGNER_TOKEN": TOKEN,
                "SEAL_SIGNER_TIMEOUT": 2,
            }
        ):
            yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def _issue(food_license_type: Any, bureau: Any) -> License:
    from govhall.licenses.services.issuance import license_issue

    return license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=RESTAURANT,
        face=FACE,
        actor=None,
        issued_on=datetime.date(2026, 11, 30),
    )


def test_a_device_held_key_signs_verifiable_licenses(
    device: FakeSigningServer, seal: Any, bureau: Any, food_license_type: Any, tmp_path: Any
) -> None:
    """``device`` before ``seal``: the seal is made while the remote signer is configured."""
    assert (seal.signer, seal.key_reference, seal.private_key_pem) == ("remote", "k1", "")
    assert seal.public_key_pem == device.keys["k1"].public_pem.decode()
    license = _issue(food_license_type, bureau)
    assert device.calls == ["/keys", "/keys/k1/sign"]
    assert license_verify(license.identifier, today=datetime.date(2026, 11, 30)).genuine
    printed = openssl_verify(
        tmp_path,
        message=license.payload.encode(),
        signature=bytes(license.signature),
        public_pem=seal.public_key_pem.encode(),
    )
    assert printed.strip() == "Verified OK"


def test_a_wrong_or_missing_answer_writes_nothing(
    device: FakeSigningServer, seal: Any, bureau: Any, food_license_type: Any
) -> None:
    assert seal.signer == "remote"
    audits = AuditRecord.objects.count()
    device.wrong = True
    with translation.override("en"), pytest.raises(SignerUnavailable, match="does not verify"):
        _issue(food_license_type, bureau)
    device.server.shutdown()
    device.server.server_close()
    with translation.override("en"), pytest.raises(SignerUnavailable, match="did not answer"):
        _issue(food_license_type, bureau)
    assert License.objects.count() == 0
    assert AuditRecord.objects.count() == audits
