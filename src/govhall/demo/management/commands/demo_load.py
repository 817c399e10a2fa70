"""``govhall demo-load``: load the Guizhou demo data (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govhall.demo.identity_loader import DEMO_PERSON_PASSWORD, IDENTITY_OFFICER, demo_persons
from govhall.demo.loader import DEMO_ACCOUNTS, demo_load


class Command(BaseCommand):
    help = "Load the Guizhou demo catalog, departments and accounts. Running it again is harmless."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_load()
        self.stdout.write(
            f"demo data: +{report.departments} departments, +{report.base_items} base items, "
            f"+{report.implementations} implementations, +{report.versions} guides, "
            f"+{report.agencies} agencies, +{report.experts} experts"
        )
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write("demo accounts (development only):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username} / {account.password}  ({account.display_name})"
            )
        username, password, display_name = IDENTITY_OFFICER
        self.stdout.write(f"  {username} / {password}  ({display_name})")
        self.stdout.write("demo citizens (sign in with the mobile or ID number):")
        for person in demo_persons():
            self.stdout.write(f"  {person.name}  {person.mobile} / {DEMO_PERSON_PASSWORD}")
