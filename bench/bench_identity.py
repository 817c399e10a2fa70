"""Identity at province scale: look-up by ID number among 1,000,000 persons (blind index) and
password sign-ins per second.

Why: every window clerk's search, every OIDC claim and every duplicate check finds a person by
ID number through the keyed SM3 blind index, never by the clear number; the look-up must stay
an index probe at a province's population of accounts. Password sign-ins are dominated on
purpose by the password hasher (Django's PBKDF2-SHA256, 1,000,000 iterations): the figure says
how many sign-ins one core serves, and the baseline in the same run (the hasher alone) shows
what govhall's lock-out checks, attempt record and audit record add.

The database is the one ``DATABASE_URL`` names; unset, it is ``var/bench.sqlite3``. Persons are
added until ``BENCH_PERSONS`` (default 1,000,000) exist; they are synthetic (valid check
digits, encrypted and indexed exactly as registration does, without the per-person audit).
Run from the repository root:

    .venv/bin/python bench/bench_identity.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \
        .venv/bin/python bench/bench_identity.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

from common import database_label, machine_label, percentile, setup_django

SEED = 20_261_128
BATCH = 5_000
LOOKUPS = 3_000
MISSES = 300
SIGN_INS = 20
AREAS = (
    "520102",
    "520103",
    "520111",
    "520112",
    "520113",
    "520121",
    "520122",
    "520123",
    "520181",
    "520201",
    "520302",
    "520402",
    "520502",
    "520602",
    "522301",
    "522601",
)
SEQUENCES = 999
FIRST_BIRTH = datetime.date(1940, 1, 1)
DAYS = 25_000


def bench_persons() -> int:
    return int(os.environ.get("BENCH_PERSONS", "1000000"))


def id_number(i: int) -> str:
    """The i-th synthetic ID number: unique for i < len(AREAS) * DAYS * SEQUENCES (~400 M)."""
    from stdnum.cn import ric

    seq = i % SEQUENCES + 1
    day = (i // SEQUENCES) % DAYS
    area = AREAS[i // (SEQUENCES * DAYS)]
    birth = FIRST_BIRTH + datetime.timedelta(days=day)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def mobile(i: int) -> str:
    return f"{15_000_000_000 + i}"


def ensure_persons(wanted: int) -> int:
    """Top the persons table up to ``wanted`` rows (users first, then their profiles)."""
    from django.core.management import call_command
    from django.db import transaction

    from govhall.core import personal_data
    from govhall.core.identifiers import mask_id_number
    from govhall.core.personal_data import KIND_ID_NUMBER, KIND_MOBILE, blind_index, mask_mobile
    from govhall.identity.models import Person, User

    call_command("migrate", interactive=False, verbosity=0)
    present = Person.objects.filter(user__username__startswith="bench-").count()
    if present >= wanted:
        return present
    print(f"database holds {present:,} bench persons; adding {wanted - present:,} ...", flush=True)
    began = time.perf_counter()
    for start in range(present, wanted, BATCH):
        stop = min(start + BATCH, wanted)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(username=f"bench-{i}", password="!")  # noqa: S106 - unusable password
                    for i in range(start, stop)
                ]
            )
            persons = []
            for user, i in zip(users, range(start, stop), strict=True):
                number, phone = id_number(i), mobile(i)
                persons.append(
                    Person(
                        user=user,
                        name="测试居民",
                        id_number_encrypted=personal_data.encrypt(number),
                        id_number_index=blind_index(number, kind=KIND_ID_NUMBER),
                        id_number_masked=mask_id_number(number),
                        birth_date=datetime.date(
                            int(number[6:10]), int(number[10:12]), int(number[12:14])
                        ),
                        is_male=int(number[16]) % 2 == 1,
                        mobile_encrypted=personal_data.encrypt(phone),
                        mobile_index=blind_index(phone, kind=KIND_MOBILE),
                        mobile_masked=mask_mobile(phone),
                    )
                )
            Person.objects.bulk_create(persons)
        if (stop // BATCH) % 20 == 0 or stop == wanted:
            print(f"  {stop:,} persons, {time.perf_counter() - began:.0f} s", flush=True)
    return Person.objects.filter(user__username__startswith="bench-").count()


def bench_lookup(count: int) -> None:
    from govhall.identity.selectors import person_find_by_id_number

    rng = random.Random(SEED)
    hits = [id_number(rng.randrange(count)) for _ in range(LOOKUPS)]
    misses = [id_number(count + rng.randrange(1_000_000)) for _ in range(MISSES)]
    for number in hits[:100]:  # warm the caches
        person_find_by_id_number(number)
    timings = []
    for number in hits:
        began = time.perf_counter()
        person = person_find_by_id_number(number)
        timings.append((time.perf_counter() - began) * 1000)
        assert person is not None
    miss_timings = []
    for number in misses:
        began = time.perf_counter()
        assert person_find_by_id_number(number) is None
        miss_timings.append((time.perf_counter() - began) * 1000)
    print(
        f"look-up by ID number among {count:,} persons ({LOOKUPS:,} hits): "
        f"p50 {percentile(timings, 50):.3f} ms, p95 {percentile(timings, 95):.3f} ms, "
        f"p99 {percentile(timings, 99):.3f} ms; misses ({MISSES}): "
        f"p95 {percentile(miss_timings, 95):.3f} ms"
    )


def bench_password_sign_in() -> None:
    from django.contrib.auth.hashers import check_password, make_password

    from govhall.identity.models import Person, SignInAttempt
    from govhall.identity.services.sign_in import ClientContext, sign_in_with_password

    password = "Bench-sign-in-2026"  # noqa: S105 - synthetic accounts
    hashed = make_password(password)
    accounts = list(
        Person.objects.filter(user__username__startswith="bench-")
        .select_related("user")
        .order_by("id")[:SIGN_INS]
    )
    for person in accounts:
        person.user.password = hashed
        person.user.save(update_fields=["password"])
    context = ClientContext(ip_address="198.51.100.7", user_agent="bench")
    # Paired: the hasher alone, then a full sign-in, account after account, so a busy moment
    # of the machine weighs on both figures alike.
    hasher_timings = []
    timings = []
    for index, person in enumerate(accounts):
        began = time.perf_counter()
        assert check_password(password, hashed)
        hasher_timings.append(time.perf_counter() - began)
        phone = mobile(int(person.user.username.removeprefix("bench-")))
        began = time.perf_counter()
        user = sign_in_with_password(identifier=phone, password=password, context=context)
        timings.append(time.perf_counter() - began)
        assert user.pk == person.user_id, index
    full = len(timings) / sum(timings)
    hasher_only = len(hasher_timings) / sum(hasher_timings)
    SignInAttempt.objects.filter(ip_address="198.51.100.7").delete()
    print(
        f"password sign-ins (PBKDF2-SHA256, one process): {full:.2f}/s, "
        f"mean {statistics.mean(timings) * 1000:.0f} ms; the hasher alone {hasher_only:.2f}/s "
        f"(govhall adds {(1 / full - 1 / hasher_only) * 1000:.1f} ms per sign-in: look-up, "
        f"lock-out counts, attempt and audit records)"
    )


def main() -> None:
    url = setup_django()
    print(f"bench_identity on {database_label()} ({url.split('@')[-1]}); {machine_label()}")
    count = ensure_persons(bench_persons())
    bench_lookup(count)
    bench_password_sign_in()


if __name__ == "__main__":
    main()
