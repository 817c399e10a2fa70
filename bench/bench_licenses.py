"""License signatures, issuance and verification per second.

Why: every granted case issues a license signed with its department's SM2 seal, and anyone may
verify any license at any time; issue 5 asks for at least 1,000 signatures per second on this
2-core machine (OpenSSL's own limit here is about 1,600).

In one process, each for ``BENCH_LICENSES_SECONDS`` (default 10) seconds:

1. ``openssl speed -seconds N sm2``: OpenSSL's own sign and verify rates (the baseline);
2. ``govhall.core.sm2.sign`` / ``verify`` of a 1 KB payload through ctypes (ratio to 1);
3. ``license_issue``: the whole service — checks, serial upsert, canonical payload, signature,
   the encrypted holder code, the row, the audit record and the outbox event, one transaction
   each — issued licenses per second;
4. ``license_verify``: identifier check, look-up, signature, the record rebuilt and compared
   (the holder code decrypted), seal validity — verifications per second.

The database is ``DATABASE_URL`` (unset: ``var/bench.sqlite3``), migrated; a bench department
with a seal and a license type are created once. Run from the repository root:

    .venv/bin/python bench/bench_licenses.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \\
        .venv/bin/python bench/bench_licenses.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from typing import Any

from common import database_label, load_label, machine_label, setup_django

TARGET_SIGNATURES = 1000
FACE = {"business_name": "开阳县城关镇陈记布依农家菜馆", "premises": "开阳县城关镇紫江路 88 号"}


def rate(label: str, call: Callable[[], Any], seconds: float) -> float:
    count = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        call()
        count += 1
    per_second = count / (time.perf_counter() - began)
    print(f"{label}: {count} in {seconds:.0f} s = {per_second:,.0f}/s", flush=True)
    return per_second


def openssl_speed(seconds: int) -> tuple[float, float]:
    executable = shutil.which("openssl")
    assert executable is not None
    out = subprocess.run(
        [executable, "speed", "-seconds", str(seconds), "sm2"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out)
    assert match is not None, out
    return float(match.group(1)), float(match.group(2))


def prepare() -> tuple[Any, Any]:
    from django.core.management import call_command

    from govhall.core.identifiers import build_credit_code
    from govhall.core.models import Department, Region
    from govhall.licenses.models import LicenseType, Seal
    from govhall.licenses.services.seals import seal_create

    call_command("migrate", interactive=False, verbosity=0)
    department, _created = Department.objects.get_or_create(
        credit_code=build_credit_code(area="520121", organisation="99000001"),
        defaults={
            "name": "开阳县市场监督管理局（基准测试）",
            "region": Region.objects.get(code="520121000000"),
            "level": "county",
        },
    )
    today = datetime.date.today()
    if not Seal.objects.filter(department=department, valid_until__gte=today).exists():
        seal_create(
            department=department,
            name="基准测试专用章",
            valid_from=today - datetime.timedelta(days=1),
            valid_until=today + datetime.timedelta(days=3000),
            actor=None,
        )
    license_type, _created = LicenseType.objects.get_or_create(
        type_code="11100000MB0341032Y999",
        defaults={
            "name": "基准测试许可证",
            "defining_authority": "国家市场监督管理总局",
            "holder_kind": "organization",
            "validity_years": 5,
            "face_schema": {
                "fields": [
                    {"name": "business_name", "type": "text", "label": "经营者名称"},
                    {"name": "premises", "type": "text", "label": "经营场所"},
                ]
            },
        },
    )
    return department, license_type


def main() -> None:
    seconds = float(os.environ.get("BENCH_LICENSES_SECONDS", "10"))
    setup_django()
    print(f"bench_licenses on {database_label()}; {machine_label()}")
    from govhall.core import sm2
    from govhall.licenses.models import Seal
    from govhall.licenses.services.issuance import Holder, license_issue
    from govhall.licenses.signers import passphrase as seal_passphrase
    from govhall.licenses.verification import license_verify

    department, license_type = prepare()
    sign_baseline, verify_baseline = openssl_speed(int(seconds))
    print(f"openssl speed sm2: sign {sign_baseline:,.0f}/s, verify {verify_baseline:,.0f}/s")
    seal = Seal.objects.filter(department=department).order_by("-valid_from").first()
    assert seal is not None
    message = ("证照" * 170).encode()  # about 1 KB, the size of a catalogue record
    private_pem, public_pem = seal.private_key_pem.encode(), seal.public_key_pem.encode()
    passphrase = seal_passphrase()
    signature = sm2.sign(message, private_pem=private_pem, passphrase=passphrase)
    signs = rate(
        "govhall sm2.sign (1 KB)",
        lambda: sm2.sign(message, private_pem=private_pem, passphrase=passphrase),
        seconds,
    )
    verifies = rate(
        "govhall sm2.verify (1 KB)",
        lambda: sm2.verify(message, signature, public_pem=public_pem),
        seconds,
    )
    sign_ratio, verify_ratio = signs / sign_baseline, verifies / verify_baseline
    print(f"ratio to openssl: sign {sign_ratio:.2f}, verify {verify_ratio:.2f}")
    holder = Holder("开阳县城关镇陈记布依农家菜馆", "92520121358806121M", "001")
    issued: list[str] = []

    def issue() -> None:
        license = license_issue(
            license_type=license_type, issuer=department, holder=holder, face=FACE, actor=None
        )
        issued.append(license.identifier)

    issues = rate("license_issue (service, one transaction each)", issue, seconds)
    cursor = iter(issued * 1000)
    verifications = rate(
        "license_verify (signature + record + seal)", lambda: license_verify(next(cursor)), seconds
    )
    verdict = "met" if signs >= TARGET_SIGNATURES else "NOT met"
    print(f"target >= {TARGET_SIGNATURES:,} signatures/s: {verdict} ({signs:,.0f}/s)")
    print(f"issued {issues:,.0f}/s, verified {verifications:,.0f}/s; after the run: {load_label()}")


if __name__ == "__main__":
    main()
