"""Crash safety (issue 7): applications submitted and processed through a real server on
PostgreSQL while the server is SIGKILLed and restarted at random moments.

Set-up: a fresh PostgreSQL database (``govhall_faults`` by default; never ``test`` or
``postgres``), migrated, with the demo data (``govhall demo-load``: the 开阳县 civil-affairs
bureau's 最低生活保障 item with its form, materials and licence, five verified citizens,
the bureau's clerk and its head, who decides), a personal access token per account, and the
production profile of ``scripts/serve.sh`` (``govhall.conf.production``: granian with
``--blocking-threads 8``, ``govhall db_worker``, ``govhall outbox-dispatch --loop``) on a
loopback port, with SMS going to a loopback gateway that records them.

Traffic: citizen threads upload the materials and submit through ``POST /api/v1/cases/`` with
an ``Idempotency-Key`` (some twice at the same moment, some once more after the answer);
staff threads take each acknowledged case through a plan (accept, review, approve, deliver,
close; or refuse, reject, withdraw ...). Answers that never come are asked again (faults/
clients.py). Meanwhile the killer SIGKILLs the server's process group every few seconds
(seeded; sometimes also the dispatcher or the task worker) and starts it again; in a share of
the faults it ends every connection to the database instead, as a PostgreSQL restart does.

Afterwards, with the server stopped and the outbox dispatched until it is empty, it checks
exactly (faults/checks.py): every acknowledged submission exists once, under the number it
was told; numbers are gap-free per county and day; every case's state is its log replayed,
the log chained and gap-free; every log entry has its audit record and its event;
``govhall audit-verify`` passes; every event was delivered once to each matching
subscriber; notices, licences, archive volumes and notifications exist exactly once each;
SMS (at most once by design) never arrive twice. It prints the seed and the figures and
exits 1 on any problem.

    .venv/bin/python faults/crash_test.py                      # 300 submissions, <= 5 min
    .venv/bin/python faults/crash_test.py --submissions 60 --seconds 90 --seed 7   # CI
"""

from __future__ import annotations

import argparse
import atexit
import os
import queue
import random
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FAULTS_DIR = Path(__file__).resolve().parent
ROOT = FAULTS_DIR.parent
sys.path.insert(0, str(ROOT / "bench"))

import checks  # noqa: E402
import clients  # noqa: E402
import production  # noqa: E402

ITEM = "最低生活保障申请（审核确认）"
DEPARTMENT = "开阳县民政局"
CLERK = "clerk.kaiyang.ca"
APPROVER = "head.kaiyang.ca"
SETTLE_SECONDS = 300  # bound on dispatching the outbox empty afterwards


@dataclass
class Killer:
    """SIGKILLs the server (sometimes also the dispatcher or the worker) at random moments and
    starts it again, or — in ``database_share`` of the faults — leaves them running and ends
    every connection to the database instead, as a PostgreSQL restart does; seeded, bounded by
    ``stop``."""

    rng: random.Random
    server: production.Service
    port: int
    others: list[production.Service]
    every: tuple[float, float]
    stop: threading.Event
    database: str = ""
    database_share: float = 0.0
    restarts: list[float] = field(default_factory=list)
    database_restarts: int = 0
    connections_ended: int = 0
    error: str = ""

    def run(self) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(*self.every)):
                # Whenever database restarts are asked for, the first fault is one and the
                # second a kill, so that even CI's short run (three or four faults) plays both.
                faults = len(self.restarts) + self.database_restarts
                draw = self.rng.random()
                if self.database_share > 0 and (
                    faults == 0 or (faults > 1 and draw < self.database_share)
                ):
                    self.connections_ended += production.database_restart(self.database)
                    self.database_restarts += 1
                    continue
                victims = [self.server] + [s for s in self.others if self.rng.random() < 0.25]
                for service in victims:
                    service.kill()
                time.sleep(self.rng.uniform(0, 0.5))
                for service in victims:
                    service.start()
                self.restarts.append(production.wait_ready(self.server, self.port))
        except Exception as error:  # reported by the harness, which then fails
            self.error = f"{type(error).__name__}: {error}"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=300, help="bound of the traffic")
    parser.add_argument("--seed", type=int, default=None, help="default: from the clock")
    parser.add_argument("--citizens", type=int, default=3, help="citizen threads")
    parser.add_argument("--staff", type=int, default=2, help="staff threads")
    parser.add_argument("--kill-min", type=float, default=1.5, help="seconds between kills")
    parser.add_argument("--kill-max", type=float, default=5.0)
    parser.add_argument("--database", default="govhall_faults")
    parser.add_argument(
        "--database-share",
        type=float,
        default=0.3,
        help="share of the faults that end every database connection instead (a restart)",
    )
    return parser.parse_args()


def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Migrate, load the demo data, make tokens; returns what the clients need."""
    began = time.monotonic()
    production.manage(env, "migrate", "--noinput", "-v", "0")
    production.manage(env, "demo-load")
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
        return token_create(user=user, name="faults", expires_in_days=1, actor=None)[1]

    citizens = []
    for entry in demo_persons():
        person = person_find_by_id_number(entry.id_number)
        assert person is not None
        citizens.append(
            clients.Account(entry.name, person.user.username, token(person.user), entry.mobile)
        )
    staff = {
        name: clients.Account(name, name, token(User.objects.get(username=name)))
        for name in (CLERK, APPROVER)
    }
    version = ItemVersion.objects.get(
        state=VersionState.PUBLISHED,
        handling_item__name=ITEM,
        handling_item__implementation__department__name=DEPARTMENT,
    )
    requirements = [
        str(r.uuid)
        for r in version.materials.filter(source=MaterialSource.APPLICANT).order_by("order", "pk")
    ]
    connection.close()
    return {
        "citizens": citizens,
        "clerk": staff[CLERK],
        "approver": staff[APPROVER],
        "version": str(version.uuid),
        "requirements": requirements,
        "pdf": make_pdf(),
        "seconds": time.monotonic() - began,
    }


def submissions_plan(
    rng: random.Random, count: int, seed: int, citizens: list[clients.Account], version: str
) -> list[clients.Submission]:
    plans = list(clients.PLAN_WEIGHTS)
    modes = list(clients.MODES)
    result = []
    for index in range(count):
        citizen = citizens[index % len(citizens)]
        body = {
            "version": version,
            "form_data": {
                "household_head": citizen.name,
                "household_size": 1 + index % 6,
                "monthly_income": f"{800 + index % 900}.50",
                "reason": f"家庭困难，第 {index} 号测试申请。",
                "contact_mobile": citizen.mobile,
                "consent_check": True,
            },
        }
        result.append(
            clients.Submission(
                index=index,
                key=f"faults-{seed}-{index:05d}",
                citizen=citizen,
                plan=rng.choices(plans, [clients.PLAN_WEIGHTS[p] for p in plans])[0],
                mode=rng.choices(modes, [clients.MODES[m] for m in modes])[0],
                body=body,
            )
        )
    return result


def main() -> int:
    args = parse()
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    rng = random.Random(seed)
    print(f"crash-safety harness: seed {seed} (again with --seed {seed})", flush=True)
    print(f"machine: {production_machine()}", flush=True)
    data_dir = ROOT / "var" / "faults"
    shutil.rmtree(data_dir, ignore_errors=True)
    database_url = production.fresh_database(args.database)
    sms = production.SmsGateway()
    sms.start()
    env = production.production_environment(
        database_url=database_url, data_dir=data_dir / "data", sms_url=sms.url
    )
    fixtures = prepare(env)
    print(f"set-up (migrate, demo-load, tokens): {fixtures['seconds']:.0f} s", flush=True)
    port = production.free_port()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    server = production.Service(
        "server", production.granian_command(port), env, logs / "server.log"
    )
    worker = production.Service(
        "worker", [str(production.BIN / "govhall"), "db_worker"], env, logs / "worker.log"
    )
    dispatcher = production.Service(
        "dispatcher",
        [str(production.BIN / "govhall"), "outbox-dispatch", "--loop"],
        env,
        logs / "dispatcher.log",
    )
    # Whatever ends the harness (an error, `timeout`'s SIGTERM), the services stop with it.
    for service in (server, worker, dispatcher):
        atexit.register(service.stop)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for service in (server, worker, dispatcher):
        service.start()
    production.wait_ready(server, port)
    submissions = submissions_plan(
        rng, args.submissions, seed, fixtures["citizens"], fixtures["version"]
    )
    ledger = clients.Ledger()
    stop = threading.Event()
    base_url = f"http://{production.HOST}:{port}"
    work: queue.Queue[tuple[str, clients.Submission] | None] = queue.Queue()
    todo: queue.Queue[clients.Submission] = queue.Queue()
    for submission in submissions:
        todo.put(submission)

    def citizen_thread() -> None:
        client = clients.Client(base_url, ledger, stop)
        while not stop.is_set():
            try:
                submission = todo.get_nowait()
            except queue.Empty:
                return
            clients.citizen_submit(
                client,
                submission,
                fixtures["requirements"],
                fixtures["pdf"],
                fixtures["version"],
                lambda s, number: work.put((number, s)),
            )

    def staff_thread() -> None:
        clients.staff_worker(
            clients.Client(base_url, ledger, stop), work, fixtures["clerk"], fixtures["approver"]
        )

    killer = Killer(
        random.Random(seed * 7919 + 1),
        server,
        port,
        [dispatcher, worker],
        (args.kill_min, args.kill_max),
        threading.Event(),
        database=args.database,
        database_share=args.database_share,
    )
    began = time.monotonic()
    killing = threading.Thread(target=killer.run, name="killer", daemon=True)
    citizens = [threading.Thread(target=citizen_thread, daemon=True) for _ in range(args.citizens)]
    staff = [threading.Thread(target=staff_thread, daemon=True) for _ in range(args.staff)]
    for thread in (killing, *citizens, *staff):
        thread.start()
    deadline = began + args.seconds
    for thread in citizens:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    for _ in staff:
        work.put(None)
    for thread in staff:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    bounded = any(t.is_alive() for t in (*citizens, *staff))
    killer.stop.set()  # the last restart completes: the stragglers get their answers
    killing.join(timeout=120)
    traffic_seconds = time.monotonic() - began
    stop.set()
    for thread in (*citizens, *staff):
        thread.join(timeout=clients.RETRY_SECONDS + clients.REQUEST_TIMEOUT + 10)
    for service in (server, worker, dispatcher):
        service.stop()
    settle_began = time.monotonic()
    settle_problems = settle()
    settle_seconds = time.monotonic() - settle_began
    audit = production.manage(env, "audit-verify", timeout=600).strip()
    sms.stop()
    problems = list(ledger.problems) + settle_problems
    if killer.error:
        problems.append(f"the killer stopped: {killer.error}")
    if bounded:
        problems.append(f"the traffic did not finish within {args.seconds:.0f} s")
    key_prefix = f"faults-{seed}-"
    figures: dict[str, Any] = {}
    found, submitted = checks.check_submissions(ledger, key_prefix)
    problems += found
    problems += checks.check_numbers()
    found, states = checks.check_logs(ledger)
    problems += found
    found, orphans = checks.check_materials(key_prefix, len(fixtures["requirements"]))
    problems += found
    found, events = checks.check_events()
    problems += found
    problems += checks.check_audit()
    found, consumers = checks.check_consumers()
    problems += found
    found, notifications = checks.check_notifications(sms.messages)
    problems += found
    figures.update(
        {
            "submissions planned": len(submissions),
            **submitted,
            "submissions given up (no answer within the retry bound)": len(ledger.given_up),
            "plans finished": len(ledger.plans_finished),
            "actions acknowledged": len(ledger.actions_done),
            "actions whose answer was lost (found in the log)": ledger.lost_answers,
            "HTTP requests sent / sent again": f"{ledger.requests} / {ledger.retries}",
            "uploads acknowledged / left over by retries / refused (draft just submitted)": (
                f"{ledger.uploads} / {orphans} / {ledger.uploads_refused}"
            ),
            "server kills (SIGKILL of granian's group)": server.kills,
            "database restarts (every connection ended) / connections ended": (
                f"{killer.database_restarts} / {killer.connections_ended}"
            ),
            "dispatcher kills / worker kills": f"{dispatcher.kills} / {worker.kills}",
            "restart to first answer, mean / max s": restart_figures(killer.restarts),
            "traffic seconds": round(traffic_seconds),
            "outbox settle seconds": round(settle_seconds),
            **events,
            **consumers,
            **notifications,
            "states": ", ".join(f"{s} {n}" for s, n in sorted(states.items())),
            "audit-verify": audit.splitlines()[-1] if audit else "",
        }
    )
    print(f"\nfigures (seed {seed}):")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    print(f"after the run: {production_machine()}")
    if problems:
        print(f"\nFAILED: {len(problems)} problem(s), seed {seed}")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"\npassed: every check held (seed {seed})")
    return 0


def settle() -> list[str]:
    """Dispatch the outbox until it is empty, waiting out retry back-offs (bounded)."""
    from django.db import connection
    from django.utils import timezone

    from govhall.core.models import OutboxEvent
    from govhall.core.outbox import outbox_dispatch

    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        report = outbox_dispatch()
        if report.remaining == 0:
            connection.close()
            return []
        if time.monotonic() > deadline:
            pending = OutboxEvent.objects.filter(delivered_at__isnull=True)
            return [
                f"outbox not empty after {SETTLE_SECONDS} s: "
                + "; ".join(f"{e.topic} {e.attempts}x {e.last_error[:120]}" for e in pending[:5])
            ]
        next_due = (
            OutboxEvent.objects.filter(delivered_at__isnull=True)
            .order_by("available_at")
            .values_list("available_at", flat=True)
            .first()
        )
        wait = (next_due - timezone.now()).total_seconds() if next_due else 0
        time.sleep(min(max(wait, 0.2), 10))


def restart_figures(restarts: list[float]) -> str:
    if not restarts:
        return "-"
    return f"{sum(restarts) / len(restarts):.1f} / {max(restarts):.1f}"


def production_machine() -> str:
    import platform

    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
