"""Deterministic, fake demo data at any scale. Each app seeds its own part in its demo.py."""

import importlib
import os
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from vschool.core.demo import DemoContext

DEFAULT_PASSWORD = "demo-password-2026"
# Order matters: later apps build on earlier ones.
SEEDERS = [
    "vschool.accounts.demo",
    "vschool.calendar.demo",
    "roll.demo",
    "attendance.demo",
    "peps.demo",
    "funding.demo",
    "admissions.demo",
    "vschool.alerts.demo",
]


class Command(BaseCommand):
    help = "Create demo data: one user per role and a fake roll of children. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", type=int, default=1, help="school years of history (attendance, PEPs)")

    def handle(self, *args, children, seed, years, **options):
        started = time.monotonic()
        ctx = DemoContext(
            children=children,
            seed=seed,
            years=years,
            today=timezone.localdate(),
            password=os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD,
            rng=random.Random(seed),
            out=lambda message: self.stdout.write(message),
        )
        for module_name in SEEDERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            step = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            if connection.vendor == "postgresql":
                # Statistics for the tables just filled, before the next seeder queries them (the alerts seeder
                # scans the whole roll), rather than waiting for autovacuum, which may be off.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            ctx.say(f"  {module_name}: {time.monotonic() - step:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/ with any of these usernames:")
        for username in ctx.users:
            self.stdout.write(f"  {username}")
        self.stdout.write(f"Password: {ctx.password}")
