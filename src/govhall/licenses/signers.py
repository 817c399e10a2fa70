"""Who holds a seal's private key (签章密钥的保管): the database, or a signing device.

Level-3 deployments (GB/T 39786) often keep signing keys in a certified device — a signing
server (签名验签服务器) or an HSM behind one — rather than in the application's database. A
*signer* is the plug that decides: it makes a new seal's key pair and signs with it. govhall
ships two:

- ``database`` (default): the key pair is made here through OpenSSL (``core.sm2``) and kept as
  PKCS#8 encrypted with SM4-CBC under ``GOVHALL_SEAL_KEY_PASSPHRASE``.
- ``remote``: a signing server over HTTPS (``GOVHALL_SEAL_SIGNER_URL``, bearer token
  ``GOVHALL_SEAL_SIGNER_TOKEN``) keeps the key; govhall stores only its reference and the
  public key. The protocol is two JSON calls, small enough for any vendor's server to be
  fronted by an adapter:

  ``POST {url}/keys`` ``{"label": ...}`` → ``{"key_id": ..., "public_key_pem": ...}``;
  ``POST {url}/keys/{key_id}/sign`` ``{"message": <base64>, "id": "1234567812345678",
  "algorithm": "SM2-SM3"}`` → ``{"signature": <base64 DER>}``.

A deployment may name a class of its own (a dotted path) with the same two methods. Whatever
the signer, every signature is checked against the seal's public key before it is used: a
device that answers with a wrong signature stops the issuing (nothing is written) instead of
putting an unverifiable license into the library. Each seal remembers which signer holds its
key, so seals made before a switch keep signing where their key is.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from govhall.core import sm2
from govhall.core.errors import DomainError


class SignerUnavailable(DomainError):
    """The key's holder could not sign (unreachable, refused, or a wrong signature)."""

    status = 503
    title = _("The signing device is unavailable")


@dataclass(frozen=True, slots=True)
class NewKey:
    public_pem: bytes
    private_pem: bytes = b""  # only when govhall keeps the (encrypted) key itself
    reference: str = ""  # the key's name in the device


class SealKey(Protocol):
    """What a signer needs of a seal."""

    private_key_pem: str
    key_reference: str


class Signer(Protocol):
    def generate(self, *, label: str) -> NewKey: ...

    def sign(self, seal: SealKey, message: bytes) -> bytes: ...


def passphrase() -> bytes:
    return str(settings.GOVHALL["SEAL_KEY_PASSPHRASE"]).encode()


class DatabaseSigner:
    """The key encrypted in the seal's row (PKCS#8, SM4-CBC)."""

    def generate(self, *, label: str) -> NewKey:
        keys = sm2.generate(passphrase())
        return NewKey(public_pem=keys.public_pem, private_pem=keys.private_pem)

    def sign(self, seal: SealKey, message: bytes) -> bytes:
        return sm2.sign(message, private_pem=seal.private_key_pem.encode(), passphrase=passphrase())


class RemoteSigner:
    """A signing server holds the key (see the module doc for the protocol)."""

    def __init__(self) -> None:
        self.url = str(settings.GOVHALL.get("SEAL_SIGNER_URL", "")).rstrip("/")
        self.token = str(settings.GOVHALL.get("SEAL_SIGNER_TOKEN", ""))
        self.timeout = float(settings.GOVHALL.get("SEAL_SIGNER_TIMEOUT", 5))

    def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if not self.url.startswith(("https://", "http://")):
            raise SignerUnavailable(gettext("No signing server is configured."))
        request = urllib.request.Request(  # noqa: S310 - the configured server only
            f"{self.url}{path}",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(1_000_000))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise SignerUnavailable(
                gettext("The signing server did not answer: %(error)s") % {"error": error}
            ) from error
        if not isinstance(answer, dict):
            raise SignerUnavailable(gettext("The signing server's answer is not understood."))
        return answer

    def generate(self, *, label: str) -> NewKey:
        answer = self._call("/keys", {"label": label, "algorithm": "SM2"})
        key_id, public_pem = answer.get("key_id"), answer.get("public_key_pem")
        if not isinstance(key_id, str) or not isinstance(public_pem, str):
            raise SignerUnavailable(gettext("The signing server's answer is not understood."))
        return NewKey(public_pem=public_pem.encode(), reference=key_id)

    def sign(self, seal: SealKey, message: bytes) -> bytes:
        answer = self._call(
            f"/keys/{urllib.parse.quote(seal.key_reference, safe='')}/sign",
            {
                "message": base64.b64encode(message).decode(),
                "id": sm2.DEFAULT_ID.decode(),
                "algorithm": "SM2-SM3",
            },
        )
        try:
            return base64.b64decode(str(answer["signature"]), validate=True)
        except (KeyError, ValueError) as error:
            raise SignerUnavailable(
                gettext("The signing server's answer is not understood.")
            ) from error


BUILT_IN: dict[str, type] = {"database": DatabaseSigner, "remote": RemoteSigner}


def signer(name: str) -> Signer:
    """The signer called ``name`` (built-in, or a dotted path to a class)."""
    cls = BUILT_IN.get(name) or import_string(name)
    made: Signer = cls()
    return made


def configured_signer_name() -> str:
    return str(settings.GOVHALL.get("SEAL_SIGNER", "database"))
