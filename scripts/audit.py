"""Known vulnerabilities of the locked dependencies: ``make audit``, a step of CI.

Runs pip-audit on ``requirements.lock`` exactly as pinned (``--no-deps --disable-pip``: no
resolution, no install) against PyPI's vulnerability data (pypi.org's JSON API, which carries
the OSV advisories of each release); when PyPI cannot answer, against the OSV service. Then:

* a vulnerability with a fixed release fails the audit (exit 1): raise the pin with
  ``pip-compile --upgrade-package NAME==FIXED`` (the command in the lock's header) and run the
  tests of what uses it;
* a vulnerability without a fixed release is printed as a warning and does not fail: there is
  nothing to upgrade to yet (read the advisory; ``--ignore-vuln ID`` after ``--`` silences one
  that has been judged);
* when no service can be reached (a timeout, a refused connection, or every dependency
  "not found"), a loud warning and exit 0: a vulnerability database that is down must not
  stop every merge. ``GOVHALL_AUDIT_REQUIRED=1`` makes that exit 2 instead (release builds);
* dependencies the service does not know are listed as a warning.

Bounded: each request gives up after ``--timeout`` seconds (15), each service after
``--deadline`` seconds (240), so a slow registry makes the step slow, never stuck.

Usage: ``python scripts/audit.py [--lock FILE] [-- PIP_AUDIT_ARGS...]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICES = ("pypi", "osv")
PASSED, VULNERABLE, UNREACHABLE = 0, 1, 2


@dataclass
class Verdict:
    """What one audit report says."""

    fixable: list[str] = field(default_factory=list)
    unfixable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    audited: int = 0


def verdict(report: dict[str, Any]) -> Verdict:
    """Sort the dependencies of a pip-audit JSON report."""
    found = Verdict()
    for dependency in report.get("dependencies", []):
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            found.skipped.append(f"{name}: {dependency['skip_reason']}")
            continue
        found.audited += 1
        for vulnerability in dependency.get("vulns", []):
            ids = ", ".join([vulnerability["id"], *vulnerability.get("aliases", [])])
            fixes = vulnerability.get("fix_versions", [])
            if fixes:
                found.fixable.append(f"{name}: {ids} (fixed in {', '.join(fixes)})")
            else:
                found.unfixable.append(f"{name}: {ids} (no fixed release yet)")
    return found


def decide(found: Verdict | None, *, required: bool) -> int:
    """The exit code, with what it rests on printed."""
    if found is None or found.audited == 0:
        print(
            "\n"
            "!!! WARNING: the dependency audit could not reach a vulnerability service\n"
            "!!! (pypi.org's JSON API and api.osv.dev): NOTHING WAS AUDITED.\n"
            "!!! Run `make audit` again where they can be reached.",
            file=sys.stderr,
        )
        return UNREACHABLE if required else PASSED
    for line in found.skipped:
        print(f"warning: not audited: {line}", file=sys.stderr)
    for line in found.unfixable:
        print(f"warning: known vulnerability: {line}", file=sys.stderr)
    for line in found.fixable:
        print(f"VULNERABLE: {line}", file=sys.stderr)
    print(
        f"dependency audit: {found.audited} audited, {len(found.fixable)} vulnerable with a "
        f"fix, {len(found.unfixable)} without a fix, {len(found.skipped)} not audited"
    )
    return VULNERABLE if found.fixable else PASSED


def run_service(
    service: str, lock: Path, *, timeout: int, deadline: int, extra: list[str]
) -> Verdict | None:
    """One pip-audit run; ``None`` when it gave no report (unreachable, out of time)."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "report.json"
        command = [
            str(pip_audit),
            "--requirement",
            str(lock),
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--vulnerability-service",
            service,
            "--timeout",
            str(timeout),
            "--cache-dir",
            str(Path(scratch) / "cache"),
            "--format",
            "json",
            "--output",
            str(output),
            *extra,
        ]
        try:
            completed = subprocess.run(  # noqa: S603 - our own command line
                command, capture_output=True, text=True, timeout=deadline, check=False
            )
        except subprocess.TimeoutExpired:
            print(f"warning: {service}: no answer within {deadline} s", file=sys.stderr)
            return None
        if completed.returncode not in (0, 1) or not output.exists():
            last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"warning: {service}: pip-audit failed: {last}", file=sys.stderr)
            return None
        return verdict(json.loads(output.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=Path("requirements.lock"))
    parser.add_argument("--timeout", type=int, default=15, help="seconds per request")
    parser.add_argument("--deadline", type=int, default=240, help="seconds per service")
    parser.add_argument("extra", nargs="*", help="after --: passed on to pip-audit")
    arguments = parser.parse_args(argv)
    required = os.environ.get("GOVHALL_AUDIT_REQUIRED", "") == "1"
    for service in SERVICES:
        found = run_service(
            service,
            arguments.lock,
            timeout=arguments.timeout,
            deadline=arguments.deadline,
            extra=arguments.extra,
        )
        if found is not None and found.audited:
            print(f"dependency audit: {service} vulnerability service")
            return decide(found, required=required)
        if found is not None:
            first = found.skipped[0] if found.skipped else "the lock file lists nothing"
            print(f"warning: {service}: nothing could be audited ({first})", file=sys.stderr)
    return decide(None, required=required)


if __name__ == "__main__":
    sys.exit(main())
