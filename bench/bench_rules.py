"""Automatic review (智慧审批) and instant approval (秒批): decisions and approvals per second.

Why: issue 6 decides applications such as 高龄补贴 on submission, by the item's published
rules, inside the submit request itself; the figures say what the engine, the data sources and
the automatic actions cost, next to a plain submission that waits for a clerk.

The decision table is 高龄补贴-like: six inputs from four sources (age from the verified ID
number, 户籍 county and living status from the population source, household size and monthly
income from the form, whether the applicant holds a 特困人员救助供养证 from the license library),
nine rules, hit policy COLLECT (one range cell, ``90 <= ? < 100``, among them).

1. **engine** (no database; ``--only engine``): ``table_evaluate`` on facts already resolved,
   six fact sets in turn (approve; too young; another county; a large household, manual;
   93 and 101 years old, approve), every cell of every rule evaluated as govhall does —
   decisions per second. ``BENCH_RULES_DECISIONS`` (default 20,000) at most,
   ``BENCH_RULES_SECONDS`` (default 10) at most.
2. **facts + engine** (the database; ``--only database``): ``facts_gather`` (identity, the
   demo population source, the license library: what ``case_submit`` asks before its
   transaction) then ``table_evaluate``, for the demo applicant 张建国 (82, 开阳县) — decisions
   per second and SQL statements per decision; the same bounds.
3. **submissions**: ``BENCH_RULES_APPLICATIONS`` (default 200) applications of each kind,
   interleaved, at most ``BENCH_RULES_SUBMIT_SECONDS`` (default 300) in all. Each is a draft,
   three PDF uploads (not timed; the same three files, which the archive de-duplicates) and the
   timed ``case_submit``. *Instant*: the item's published rules approve at once — accept →
   review → approve → license issued (signed with the department's seal) → deliver → close,
   inside the submit request. *Plain*: the same form and materials for an item of the same
   department without rules; the case stays ``submitted``. Every application is 张建国's
   (the demo population source's only applicant the rules approve). Prints submissions per
   second (one process, one at a time: count / time spent in ``case_submit``), p50/p95, the
   ratio, the SQL statements of one submission of each kind and where an instant
   submission's time goes (the steps it calls are wrapped with timers: :class:`Breakdown`).
   Afterwards every instant case must be ``closed`` with an approving, acting decision and
   exactly one license, every plain case ``submitted`` with no decision and no license;
   otherwise the bench exits with an error.

The database is always a fresh one, never the development, search bench or test database:
``DATABASE_URL`` chooses the engine and server; SQLite uses ``var/bench-rules.sqlite3``
(deleted, then migrated), PostgreSQL the database ``govhall_bench_rules`` on that server
(dropped and created with ``UTF8``/``template0``, then migrated). Uploads go to
``var/bench-rules-data/<engine>/`` (emptied first). Run from the repository root:

    .venv/bin/python bench/bench_rules.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_rules \\
        .venv/bin/python bench/bench_rules.py --only database

This is not a test; it prints figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import shutil
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import database_label, load_label, machine_label, percentile, setup_django

ROOT = Path(__file__).resolve().parents[1]
SQLITE_PATH = ROOT / "var" / "bench-rules.sqlite3"
PG_DATABASE = "govhall_bench_rules"
WARMUP = 3
#: The demo population source's 张建国: 82, 户籍 开阳县 (520121), alive — approved.
APPLICANT = ("张建国", "522522194403151231", "13985011234")
FORM = {"household_size": 2, "monthly_income": "800.00", "bank_account": "6217 0000 1234 5678"}
APPLICATION_FORM = {
    "fields": [
        {"name": "household_size", "type": "integer", "label": "家庭人口", "min": 1, "max": 20},
        {"name": "monthly_income", "type": "decimal", "label": "家庭月收入（元）", "min": 0},
        {"name": "bank_account", "type": "text", "label": "补贴发放账户"},
    ]
}
MATERIALS = ("高龄补贴申请表", "户口簿", "补贴发放银行卡（社保卡）")
#: 民政部's credit code: the defining authority of both license types.
MCA = ("100000", "00001302")


def bench_database_url() -> str:
    """The fresh bench database on the engine and server ``DATABASE_URL`` names."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        return urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))
    return f"sqlite:///{SQLITE_PATH}"


def recreate_database(url: str) -> None:
    """Delete (SQLite) or drop and create (PostgreSQL) the bench database and empty its
    upload directory, before Django."""
    engine = "sqlite" if url.startswith("sqlite:") else "postgresql"
    data_dir = ROOT / "var" / "bench-rules-data" / engine
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    os.environ["GOVHALL_DATA_DIR"] = str(data_dir)
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        # What `dropdb` and `createdb -E UTF8 -T template0` do.
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        connection.execute(f"CREATE DATABASE \"{PG_DATABASE}\" ENCODING 'UTF8' TEMPLATE template0")


def bench_decisions() -> int:
    return int(os.environ.get("BENCH_RULES_DECISIONS", "20000"))


def bench_seconds() -> float:
    return float(os.environ.get("BENCH_RULES_SECONDS", "10"))


# --- the decision table --------------------------------------------------------------------


def type_codes() -> tuple[str, str]:
    """The license issued on approval (高龄补贴领取证) and the one the table looks up."""
    from govhall.core.identifiers import build_credit_code

    code = build_credit_code(area=MCA[0], organisation=MCA[1])
    return f"{code}021", f"{code}022"


def old_age_table() -> Any:
    """The 高龄补贴 standards as the workbench's simple table (6 inputs, 9 rules, COLLECT)."""
    from govhall.cases.rules_inputs import license_input_name
    from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable

    destitute = license_input_name(type_codes()[1])

    def only(column: int, cell: str) -> list[str]:
        """A rule on one input, any value of the other five."""
        cells = [""] * 6
        cells[column] = cell
        return cells

    return SimpleTable(
        "old_age_allowance",
        "高龄补贴审查标准",
        "COLLECT",
        [
            SimpleInput("age", "年龄（周岁）", "integer"),
            SimpleInput("residence_county", "户籍地（县级）", "string"),
            SimpleInput("alive", "生存状态", "boolean"),
            SimpleInput("form_household_size", "家庭人口", "integer"),
            SimpleInput("form_monthly_income", "家庭月收入（元）", "number"),
            SimpleInput(destitute, "持有特困人员救助供养证", "boolean"),
        ],
        [
            SimpleRule(
                [">= 80", '"520121"', "True", "", "", "False"],
                "approve",
                "年满80周岁、具有本县户籍且未享受特困供养",
                "资格标准",
            ),
            SimpleRule(
                only(0, "90 <= ? < 100"), "approve", "年满90周岁，按90周岁以上标准发放", "补贴档次"
            ),
            SimpleRule(only(0, ">= 100"), "approve", "百岁老人，按百岁标准发放", "补贴档次"),
            SimpleRule(only(0, "< 80"), "refuse", "未满80周岁", "年龄标准"),
            SimpleRule(only(1, '!= "520121"'), "refuse", "不具有本县户籍", "户籍标准"),
            SimpleRule(only(2, "False"), "refuse", "人口库记载申请人已身故", "生存状态"),
            SimpleRule(
                only(5, "True"), "refuse", "已享受特困人员救助供养，不重复发放", "不重复享受"
            ),
            SimpleRule(only(3, "> 6"), "manual", "家庭人口较多，需人工核实", "人口核实"),
            SimpleRule(only(4, ">= 20000"), "manual", "家庭月收入异常，需人工核实", "收入核实"),
        ],
    )


def resolved_facts(today: datetime.date) -> dict[str, Any]:
    """张建国's facts as ``facts_gather`` resolves them (checked against it in the database
    part): value, type, source and how each was obtained."""
    from govhall.cases.rules_inputs import license_input_name
    from govhall.rules.inputs import Fact
    from govhall.rules.providers import age_on

    destitute = license_input_name(type_codes()[1])
    facts = [
        Fact("age", age_on(datetime.date(1944, 3, 15), today), "integer", "identity"),
        Fact("residence_county", "520121", "string", "population", "demo"),
        Fact("alive", True, "boolean", "population", "demo"),
        Fact("form_household_size", 2, "integer", "form"),
        Fact("form_monthly_income", 800.0, "number", "form"),
        Fact(destitute, False, "boolean", "license_library", "no valid license of this type"),
    ]
    return {fact.name: fact for fact in facts}


def fact_sets(base: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The expected outcome and the facts of six applicants (one input changed each)."""

    def changed(name: str, value: Any) -> dict[str, Any]:
        return {**base, name: dataclasses.replace(base[name], value=value)}

    return [
        ("approve", base),
        ("refuse", changed("age", 75)),
        ("refuse", changed("residence_county", "520102")),
        ("manual", changed("form_household_size", 8)),
        ("approve", changed("age", 93)),
        ("approve", changed("age", 101)),
    ]


def timed_loop(call: Callable[[int], Any], count: int, seconds: float) -> list[float]:
    """Call ``call(i)`` until ``count`` calls or ``seconds`` elapsed; each call's ms."""
    timings: list[float] = []
    began = time.perf_counter()
    while len(timings) < count and time.perf_counter() - began < seconds:
        start = time.perf_counter()
        call(len(timings))
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def rate_line(label: str, timings: list[float]) -> str:
    total = sum(timings) / 1000
    p50, p95 = percentile(timings, 50) * 1000, percentile(timings, 95) * 1000
    return (
        f"{label}: {len(timings):,} in {total:.2f} s = {len(timings) / total:,.0f}/s; "
        f"p50 {p50:,.0f} µs, p95 {p95:,.0f} µs"
    )


def engine_part() -> None:
    """Decisions per second of the table alone on resolved facts (no database)."""
    from django.utils import timezone

    from govhall.rules.builder import dmn_from_simple
    from govhall.rules.dmn import table_load
    from govhall.rules.evaluation import table_evaluate

    table = table_load(dmn_from_simple(old_age_table()))
    sets = fact_sets(resolved_facts(timezone.localdate()))
    for expected, facts in sets:
        outcome = table_evaluate(table, facts).outcome
        if outcome != expected:
            raise SystemExit(f"engine: expected {expected}, got {outcome} for {facts}")
    cells = sum(cell is not None for rule in table.rules for cell in rule.cells)
    print(
        f"table: {len(table.inputs)} inputs, {len(table.rules)} rules, {table.hit_policy}, "
        f"{cells} non-empty cells (every one evaluated each time); "
        f"{len(sets)} fact sets in turn",
        flush=True,
    )
    timings = timed_loop(
        lambda i: table_evaluate(table, sets[i % len(sets)][1]), bench_decisions(), bench_seconds()
    )
    print(rate_line("engine: table_evaluate on resolved facts", timings), flush=True)
    print(f"  = {sum(timings) * 1000 / len(timings) / cells:.1f} µs per cell", flush=True)


# --- the database part -----------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Setup:
    instant: Any  # the published version with rules (instant approval)
    plain: Any  # the published version without rules
    person: Any
    rule_set: Any
    license_type: Any


def prepare() -> Setup:
    """One bureau with a seal, 高龄补贴 with and without rules, its license type, the
    applicant; in the fresh database."""
    from django.core.management import call_command
    from django.utils import timezone

    from govhall.catalog.models import ItemVersion
    from govhall.catalog.services.items import (
        BaseItemInput,
        base_item_create,
        handling_item_create,
        implementation_create,
    )
    from govhall.catalog.services.versions import (
        GuideInput,
        MaterialInput,
        item_version_create,
        item_version_publish,
        item_version_submit,
    )
    from govhall.core.identifiers import build_credit_code
    from govhall.core.models import Department, Region
    from govhall.identity.services import person_register
    from govhall.licenses.models import LicenseType
    from govhall.licenses.services.seals import seal_create
    from govhall.rules.builder import dmn_from_simple
    from govhall.rules.services import rule_set_publish, rule_set_save

    call_command("migrate", interactive=False, verbosity=0)
    region = Region.objects.get(code="520121000000")
    department = Department.objects.create(
        name="开阳县民政局（基准测试）",
        credit_code=build_credit_code(area="520121", organisation="99000061"),
        region=region,
        level="county",
    )
    today = timezone.localdate()
    seal_create(
        department=department,
        name="开阳县民政局行政审批专用章",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=3000),
        actor=None,
    )
    base_item = base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code="000520030000",
            name="高龄补贴申领",
            item_type_code="05",
            item_list="power",
            competent_department="民政部",
            authority_nature="statutory",
            legal_basis="《中华人民共和国老年人权益保障法》第三十三条",
            domain="village",
            for_persons=True,
            synonyms=["高龄津贴", "老年人补贴"],
        ),
    )
    implementation = implementation_create(
        actor=None, base_item=base_item, department=department, region=region, level="county"
    )
    guide = GuideInput(
        case_kind="promised",
        legal_limit_days=20,
        promised_limit_days=10,
        conditions="年满80周岁、具有本县户籍的老年人。",
        online_handling="full",
        process_steps=[{"name": "申请", "description": ""}, {"name": "受理", "description": ""}],
        application_form=APPLICATION_FORM,
        materials=[
            *(MaterialInput(name=name, form="original", source="applicant") for name in MATERIALS),
            MaterialInput(
                name="居民身份证",
                form="copy",
                source="shared_data",
                waivable_if_verified_online=True,
            ),
        ],
    )

    def published(name: str) -> ItemVersion:
        handling = handling_item_create(
            actor=None, implementation=implementation, kind="new", name=name
        )
        version = item_version_create(actor=None, handling_item=handling, guide=guide)
        item_version_submit(actor=None, version=version)
        return item_version_publish(actor=None, version=version)

    instant, plain = published("高龄补贴申领（秒批）"), published("高龄补贴申领（人工审核）")
    issued_code, looked_up_code = type_codes()
    license_type = LicenseType.objects.create(
        name="高龄补贴领取证",
        type_code=issued_code,
        defining_authority="中华人民共和国民政部",
        face_schema={
            "fields": [{"name": "household_size", "type": "integer", "label": "家庭人口", "min": 1}]
        },
        validity_years=1,
        holder_kind="person",
    )
    license_type.items.add(base_item)
    LicenseType.objects.create(
        name="特困人员救助供养证",
        type_code=looked_up_code,
        defining_authority="中华人民共和国民政部",
        face_schema={"fields": []},
        validity_years=1,
        holder_kind="person",
    )
    name, id_number, mobile = APPLICANT
    person = person_register(name=name, id_number=id_number, mobile=mobile, password=None)
    rule_set = rule_set_save(
        version=instant, dmn=dmn_from_simple(old_age_table()), actor=None, instant_approval=True
    )
    rule_set = rule_set_publish(rule_set=rule_set, actor=None)
    return Setup(instant, plain, person, rule_set, license_type)


def gather_part(setup: Setup) -> None:
    """``facts_gather`` + ``table_evaluate`` for the applicant, decisions per second."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from govhall.cases.services.automatic import facts_gather
    from govhall.catalog.application_forms import form_schema_parse
    from govhall.rules.evaluation import table_evaluate
    from govhall.rules.selectors import rule_set_table

    version, person, rule_set = setup.instant, setup.person, setup.rule_set
    form = form_schema_parse(version.application_form, prefix="version").clean(FORM).values
    table = rule_set_table(rule_set)

    def decide(_index: int) -> str:
        gathered = facts_gather(
            rule_set, version=version, person=person, organization=None, form=form
        )
        return table_evaluate(table, gathered.facts).outcome

    gathered = facts_gather(rule_set, version=version, person=person, organization=None, form=form)
    expected = resolved_facts(timezone.localdate())
    got = {name: (fact.value, fact.source, fact.status) for name, fact in gathered.facts.items()}
    want = {name: (fact.value, fact.source, "ok") for name, fact in expected.items()}
    if got != want:
        raise SystemExit(f"facts_gather: expected {want}, got {got}")
    with CaptureQueriesContext(connection) as captured:
        outcome = decide(0)
    if outcome != "approve":
        raise SystemExit(f"facts_gather + table_evaluate: expected approve, got {outcome}")
    gathering = timed_loop(
        lambda _i: facts_gather(
            rule_set, version=version, person=person, organization=None, form=form
        ),
        bench_decisions(),
        bench_seconds(),
    )
    print(rate_line("facts_gather alone", gathering), flush=True)
    timings = timed_loop(decide, bench_decisions(), bench_seconds())
    print(
        rate_line("facts_gather + table_evaluate", timings)
        + f"; {len(captured.captured_queries)} SQL statements each",
        flush=True,
    )


@dataclasses.dataclass(slots=True)
class Submitted:
    numbers: list[str] = dataclasses.field(default_factory=list)
    timings: list[float] = dataclasses.field(default_factory=list)
    upload_ms: float = 0.0


def submit(
    setup: Setup,
    version: Any,
    into: Submitted,
    *,
    timed: bool,
    probe: AbstractContextManager[Any] | None = None,
) -> None:
    """A draft, three uploads (not timed) and the timed ``case_submit`` (inside ``probe``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhall.archive.samples import make_pdf
    from govhall.cases.services.drafts import draft_save, material_upload
    from govhall.cases.services.submission import case_submit

    user, person = setup.person.user, setup.person
    began = time.perf_counter()
    draft, _problems = draft_save(
        actor=user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        form_data={},
    )
    uploads = [
        material_upload(
            actor=user,
            draft=draft,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile(
                f"{requirement.name}.pdf",
                make_pdf(comment=f"govhall bench rules {requirement.order}".encode()),
                content_type="application/pdf",
            ),
        ).uuid
        for requirement in version.materials.filter(source="applicant", is_required=True)
    ]
    start = time.perf_counter()
    with probe if probe is not None else nullcontext():
        case, created = case_submit(
            actor=user,
            version_uuid=version.uuid,
            principal_type="person",
            principal_uuid=person.uuid,
            channel="web",
            form_data=FORM,
            idempotency_key=str(uuid.uuid4()),
            materials=uploads,
        )
    elapsed = (time.perf_counter() - start) * 1000
    if not created:
        raise SystemExit(f"case_submit replayed instead of creating: {case.number}")
    into.numbers.append(case.number)
    if timed:
        into.timings.append(elapsed)
        into.upload_ms += (start - began) * 1000


class Breakdown:
    """Time spent in the steps of instant approval inside ``case_submit``: the module
    attributes it calls are wrapped with a timer in this process only (two ``perf_counter``
    calls each, a few µs per submission)."""

    STEPS = (
        ("facts_gather", "govhall.cases.services.submission", "facts_gather"),
        ("automatic_review", "govhall.cases.services.submission", "automatic_review"),
        ("table_evaluate", "govhall.cases.services.automatic", "table_evaluate"),
        ("case actions", "govhall.cases.services.automatic", "case_act_automatic"),
        ("license issue", "govhall.cases.services.automatic", "_licenses_issue"),
    )

    def __init__(self) -> None:
        import importlib

        self.ms: dict[str, float] = dict.fromkeys((label for label, *_ in self.STEPS), 0.0)
        self.calls: dict[str, int] = dict.fromkeys(self.ms, 0)
        for label, module_name, attribute in self.STEPS:
            module = importlib.import_module(module_name)
            setattr(module, attribute, self._timed(label, getattr(module, attribute)))

    def _timed(self, label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.ms[label] += (time.perf_counter() - start) * 1000
                self.calls[label] += 1

        return timed

    def reset(self) -> None:
        for label in self.ms:
            self.ms[label], self.calls[label] = 0.0, 0

    def report(self, submissions: int, mean_ms: float, plain_ms: float) -> str:
        per = {label: ms / submissions for label, ms in self.ms.items()}
        record = (
            per["automatic_review"]
            - per["table_evaluate"]
            - per["case actions"]
            - per["license issue"]
        )
        rest = mean_ms - per["facts_gather"] - per["automatic_review"]
        actions = self.calls["case actions"] / submissions
        return (
            f"inside an instant case_submit, mean ms: facts_gather {per['facts_gather']:.1f}, "
            f"table_evaluate {per['table_evaluate']:.2f}, decision record and spot-check "
            f"{record:.1f}, {actions:.0f} case actions {per['case actions']:.1f}, license issue "
            f"{per['license issue']:.1f}, the submission itself {rest:.1f} "
            f"(a plain one: {plain_ms:.1f})"
        )


def submissions_part(setup: Setup) -> None:
    """Instant approvals and plain submissions, interleaved; then every case is checked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wanted = int(os.environ.get("BENCH_RULES_APPLICATIONS", "200"))
    seconds = float(os.environ.get("BENCH_RULES_SUBMIT_SECONDS", "300"))
    instant, plain = Submitted(), Submitted()
    breakdown = Breakdown()
    for _ in range(WARMUP):
        submit(setup, setup.instant, instant, timed=False)
        submit(setup, setup.plain, plain, timed=False)
    statements = {}
    for label, version, batch in (
        ("instant", setup.instant, instant),
        ("plain", setup.plain, plain),
    ):
        captured = CaptureQueriesContext(connection)
        submit(setup, version, batch, timed=False, probe=captured)
        statements[label] = len(captured.captured_queries)
    print(
        f"submissions: {WARMUP + 1} warm-up of each kind, then up to {wanted} of each, "
        f"interleaved, at most {seconds:.0f} s (SQL statements of one case_submit: "
        f"instant {statements['instant']}, plain {statements['plain']})",
        flush=True,
    )
    breakdown.reset()
    began = time.perf_counter()
    while len(instant.timings) < wanted and time.perf_counter() - began < seconds:
        submit(setup, setup.instant, instant, timed=True)
        submit(setup, setup.plain, plain, timed=True)
    wall = time.perf_counter() - began
    mean = {}
    for label, batch in (("instant approval", instant), ("plain submission", plain)):
        total = sum(batch.timings) / 1000
        mean[label] = total / len(batch.timings)
        print(
            f"{label}: {len(batch.timings)} case_submit in {total:.2f} s = "
            f"{len(batch.timings) / total:.1f}/s; p50 {percentile(batch.timings, 50):.1f} ms, "
            f"p95 {percentile(batch.timings, 95):.1f} ms, max {max(batch.timings):.1f} ms "
            f"(draft + {len(MATERIALS)} uploads before it, not timed: "
            f"{batch.upload_ms / len(batch.timings):.1f} ms)",
            flush=True,
        )
    ratio = mean["instant approval"] / mean["plain submission"]
    print(
        f"instant approval / plain submission: {ratio:.2f}× the time "
        f"(+{(mean['instant approval'] - mean['plain submission']) * 1000:.1f} ms per "
        f"submission); phase wall time {wall:.1f} s",
        flush=True,
    )
    print(
        breakdown.report(
            len(instant.timings), mean["instant approval"] * 1000, mean["plain submission"] * 1000
        ),
        flush=True,
    )
    verify(setup, instant.numbers, plain.numbers)


def verify(setup: Setup, instant: list[str], plain: list[str]) -> None:
    """Every instant case closed, decided by the rules, with exactly one license; every plain
    case submitted, undecided, without a license — counted, or the bench fails."""
    from collections import Counter

    from govhall.cases.models import AutomaticDecision, Case
    from govhall.licenses.models import License

    problems = []
    states = dict(Case.objects.filter(number__in=instant + plain).values_list("number", "state"))
    licenses = Counter(
        License.objects.filter(case_number__in=instant + plain).values_list(
            "case_number", flat=True
        )
    )
    decisions = {
        number: (outcome, decided, tuple(actions))
        for number, outcome, decided, actions in AutomaticDecision.objects.filter(
            case__number__in=instant + plain
        ).values_list("case__number", "outcome", "decided", "actions")
    }
    acted = ("approve", True, ("accept", "review", "approve", "deliver", "close"))
    for number in instant:
        if states.get(number) != "closed":
            problems.append(f"{number}: state {states.get(number)}, expected closed")
        if licenses[number] != 1:
            problems.append(f"{number}: {licenses[number]} licenses, expected exactly 1")
        if decisions.get(number) != acted:
            problems.append(f"{number}: decision {decisions.get(number)}, expected {acted}")
    for number in plain:
        if states.get(number) != "submitted":
            problems.append(f"{number}: state {states.get(number)}, expected submitted")
        if licenses[number] or number in decisions:
            problems.append(f"{number}: a license or a decision, expected neither")
    issued = License.objects.filter(license_type=setup.license_type).count()
    if issued != len(instant):
        problems.append(f"{issued} licenses of {setup.license_type.name}, expected {len(instant)}")
    if problems:
        listed = "\n  ".join(problems[:20])
        raise SystemExit(f"FAILED: {len(problems)} problem(s):\n  {listed}")
    print(
        f"verified: {len(instant)} instant cases closed, each with exactly one license "
        f"({issued} issued in all) and an acting approve decision; {len(plain)} plain cases "
        "submitted, no decision, no license",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--only",
        choices=("engine", "database"),
        help="engine: the table alone (no database); database: facts and submissions",
    )
    args = parser.parse_args()
    if args.only == "engine":
        setup_django()  # settings only: the engine part opens no connection
        print(f"bench_rules, engine only; {machine_label()}", flush=True)
        engine_part()
        print(f"after the run: {load_label()}")
        return
    url = bench_database_url()
    began = time.perf_counter()
    recreate_database(url)
    setup_django(url)
    setup = prepare()
    print(
        f"bench_rules on {database_label()} ({url.split('@')[-1]}), fresh; prepared in "
        f"{time.perf_counter() - began:.1f} s; {machine_label()}",
        flush=True,
    )
    if args.only is None:
        engine_part()
    gather_part(setup)
    submissions_part(setup)
    print(f"after the run: {load_label()}")


if __name__ == "__main__":
    main()
