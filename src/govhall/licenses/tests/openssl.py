"""The ``openssl`` command line, to check govhall's signatures with a tool that is not govhall."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

DISTID = "distid:1234567812345678"


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("openssl")
    assert executable is not None, "the openssl command line is needed (Debian: openssl)"
    return subprocess.run(  # noqa: S603 - fixed executable, arguments made by the tests
        [executable, *args], capture_output=True, text=True, check=False
    )


def openssl_verify(directory: Path, *, message: bytes, signature: bytes, public_pem: bytes) -> str:
    """What ``openssl dgst -sm3 -verify`` prints for this message, signature and key."""
    (directory / "message").write_bytes(message)
    (directory / "signature").write_bytes(signature)
    (directory / "public.pem").write_bytes(public_pem)
    return openssl(
        "dgst", "-sm3", "-sigopt", DISTID, "-verify", str(directory / "public.pem"),
        "-signature", str(directory / "signature"), str(directory / "message"),
    ).stdout  # fmt: skip
