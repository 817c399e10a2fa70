"""Load test (issue 7): mixed traffic against the production server profile on PostgreSQL.

Why: the throughput bench times one URL at a time; a county's server sees guide views,
searches, submissions and staff actions at once, writes holding locks while reads go on. This
bench measures that mix on what production runs (``scripts/serve.sh`` under
``govhall.conf.production``: granian ``--blocking-threads 8``, ``govhall db_worker``,
``govhall outbox-dispatch --loop``), once with one granian worker and once with two (the
baseline and the comparison of the same run).

Set-up: a fresh PostgreSQL database ``govhall_load`` (``BENCH_PG_*`` server), migrated, the demo
data (``govhall demo-load``, as ``make run`` loads it), ``collectstatic`` (the production
profile serves hashed static files), a personal access token for each demo citizen, the
clerk and the head of 开阳县民政局. Load: locust (``bench/load_locustfile.py``; visitors,
citizens and staff 8 : 1 : 1), loopback only, ``--users`` users (40) with ``--think`` seconds
between requests (0.05-0.25), a ``--warmup`` run whose figures are dropped, then ``--seconds``
measured (60). It prints, per
request type, requests, requests per second, p50/p95/p99 and errors, and the total; exits 1
when any request failed.

    .venv/bin/python bench/bench_load.py                         # 40 users, 60 s, 1 and 2 workers
    .venv/bin/python bench/bench_load.py --seconds 20 --workers 1   # a quick look
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import production

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORDS = [
    "低保", "最低生活保障", "高龄补贴", "食品经营许可", "营业执照", "社保卡", "生育登记",
    "老年人优待证", "临时救助", "消防", "个体工商户", "护照", "结婚登记", "居住证",
]  # fmt: skip
CLERK = "clerk.kaiyang.ca"
APPROVER = "head.kaiyang.ca"
ITEM = "最低生活保障申请（审核确认）"


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    requests: int
    failures: int
    per_second: float
    p50: float
    p95: float
    p99: float


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--think", default="0.05,0.25", help="think time between requests, s")
    parser.add_argument("--seconds", type=int, default=60, help="measured run per profile")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--workers", default="1,2", help="granian workers, one run each")
    parser.add_argument("--database", default="govhall_load")
    return parser.parse_args()


def prepare(env: dict[str, str], work: Path, think: tuple[float, float]) -> Path:
    """Migrate, load the demo, collect static files, make tokens; returns the config file."""
    production.manage(env, "migrate", "--noinput", "-v", "0")
    production.manage(env, "demo-load")
    production.manage(env, "collectstatic", "--noinput", "-v", "0")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from govhall.archive.samples import make_pdf
    from govhall.catalog.models import ItemVersion, MaterialSource, VersionState
    from govhall.demo.identity_loader import demo_persons
    from govhall.identity.models import User
    from govhall.identity.selectors import person_find_by_id_number
    from govhall.identity.services.tokens import token_create

    def token(user: User) -> str:
        return token_create(user=user, name="load", expires_in_days=1, actor=None)[1]

    citizens = []
    for entry in demo_persons():
        person = person_find_by_id_number(entry.id_number)
        assert person is not None
        citizens.append(
            {
                "token": token(person.user),
                "form": {
                    "household_head": entry.name,
                    "household_size": 3,
                    "monthly_income": "1200.00",
                    "reason": "家庭成员长期患病，收入不足以维持基本生活。",
                    "contact_mobile": entry.mobile,
                    "consent_check": True,
                },
            }
        )
    published = ItemVersion.objects.filter(state=VersionState.PUBLISHED)
    version = published.get(
        handling_item__name=ITEM, handling_item__implementation__department__name="开阳县民政局"
    )
    codes = sorted(
        set(published.values_list("handling_item__implementation__implementation_code", flat=True))
    )
    pdf = work / "application.pdf"
    pdf.write_bytes(make_pdf())
    config = {
        "citizens": citizens,
        "clerk": token(User.objects.get(username=CLERK)),
        "approver": token(User.objects.get(username=APPROVER)),
        "version": str(version.uuid),
        "requirements": [
            str(r.uuid)
            for r in version.materials.filter(source=MaterialSource.APPLICANT).order_by("order")
        ],
        "codes": codes,
        "words": WORDS,
        "pdf": str(pdf),
        "weights": {"visitor": 8, "citizen": 1, "staff": 1},
        "think_min": think[0],
        "think_max": think[1],
    }
    connection.close()
    path = work / "config.json"
    path.write_text(json.dumps(config, ensure_ascii=False))
    return path


def locust(
    base_url: str, config: Path, users: int, seconds: int, prefix: Path, log: Path
) -> list[Row]:
    command = [
        str(production.BIN / "locust"), "-f", str(BENCH_DIR / "load_locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--host", base_url, "--csv", str(prefix),
        "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_CONFIG": str(config)}
    with log.open("ab") as handle:
        # Exit status 1 means some requests failed: read from the figures, not from it.
        subprocess.run(
            command,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=seconds + 120,
            check=False,
        )
    rows = []
    with Path(f"{prefix}_stats.csv").open(newline="") as handle:
        for record in csv.DictReader(handle):
            rows.append(
                Row(
                    name=record["Name"] if record["Type"] else "total",
                    requests=int(record["Request Count"]),
                    failures=int(record["Failure Count"]),
                    per_second=float(record["Requests/s"]),
                    p50=float(record["50%"]),
                    p95=float(record["95%"]),
                    p99=float(record["99%"]),
                )
            )
    return rows


def profile_run(
    args: argparse.Namespace, env: dict[str, str], config: Path, workers: int, work: Path
) -> tuple[list[Row], list[str]]:
    """Start the profile with ``workers`` granian workers, warm up, measure; stop it."""
    port = production.free_port()
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    services = [
        production.Service(
            "server",
            production.granian_command(port, workers=workers),
            env,
            logs / f"server-{workers}.log",
        ),
        production.Service(
            "worker", [str(production.BIN / "govhall"), "db_worker"], env, logs / "worker.log"
        ),
        production.Service(
            "dispatcher",
            [str(production.BIN / "govhall"), "outbox-dispatch", "--loop"],
            env,
            logs / "dispatcher.log",
        ),
    ]
    for service in services:
        service.start()
    failures = []
    try:
        production.wait_ready(services[0], port)
        base_url = f"http://{production.HOST}:{port}"
        failures = [f for f in failures_of_samples(base_url, config) if f]
        locust(base_url, config, args.users, args.warmup, work / f"warmup-{workers}", logs / "l")
        rows = locust(
            base_url, config, args.users, args.seconds, work / f"measured-{workers}", logs / "l"
        )
    finally:
        for service in services:
            service.stop()
    return rows, failures


def failures_of_samples(base_url: str, config: Path) -> list[str]:
    """Each kind of page answers 200 before anything is measured (no error pages timed)."""
    import urllib.request

    settings = json.loads(config.read_text())
    code = settings["codes"][0]
    problems = []
    for path in (
        f"/items/{code}/",
        "/search/?q=%E4%BD%8E%E4%BF%9D",
        f"/api/v1/catalog/items/{code}",
    ):
        try:
            with urllib.request.urlopen(base_url + path, timeout=30) as response:  # noqa: S310
                status = response.status
        except OSError as error:
            status = getattr(error, "code", str(error))
        if status != 200:
            problems.append(f"GET {path}: {status}")
    return problems


def table(rows: list[Row]) -> None:
    print(f"  {'request':<30}{'requests':>9}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p99 ms':>8}{'errors':>8}")  # fmt: skip
    for row in rows:
        print(
            f"  {row.name:<30}{row.requests:>9,}{row.per_second:>9.1f}{row.p50:>8.0f}"
            f"{row.p95:>8.0f}{row.p99:>8.0f}{row.failures:>8}"
        )


def main() -> int:
    args = parse()
    # `timeout`'s SIGTERM ends the run through profile_run's finally: the services stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = ROOT / "var" / "load"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"machine:  {production_label()}", flush=True)
    began = time.monotonic()
    database_url = production.fresh_database(args.database)
    sms = production.SmsGateway()
    sms.start()
    env = production.production_environment(
        database_url=database_url, data_dir=work / "data", sms_url=sms.url
    )
    think = tuple(float(t) for t in args.think.split(","))
    config = prepare(env, work, (think[0], think[1]))
    print(f"set-up (migrate, demo-load, collectstatic, tokens): {time.monotonic() - began:.0f} s")
    version = subprocess.run(
        [str(production.BIN / "granian"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    locust_version = subprocess.run(
        [str(production.BIN / "locust"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split(" from ")[0]
    print(f"server:   {version} --interface wsgi --blocking-threads 8, govhall.conf.production")
    print(
        f"load:     {locust_version}, {args.users} users (visitors : citizens : staff = "
        f"8 : 1 : 1, think time {think[0]}-{think[1]} s), {args.warmup} s warm-up + "
        f"{args.seconds} s measured, "
        "loopback"
    )
    failed = False
    totals = {}
    for workers in (int(w) for w in args.workers.split(",")):
        rows, problems = profile_run(args, env, config, workers, work)
        print(f"\n{workers} granian worker(s); {production_label()}")
        for problem in problems:
            print(f"  NOT 200 before the run: {problem}")
        table(rows)
        failed = failed or bool(problems) or any(r.failures for r in rows)
        totals[workers] = next(r for r in rows if r.name == "total").per_second
    sms.stop()
    if len(totals) > 1:
        base = min(totals)
        print(
            "\ntotal req/s: "
            + ", ".join(
                f"{w} worker(s) {t:.1f} ({t / totals[base]:.2f}x)" for w, t in totals.items()
            )
        )
    print(f"SMS received by the loopback gateway: {len(sms.messages)}")
    return 1 if failed else 0


def production_label() -> str:
    import platform

    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
