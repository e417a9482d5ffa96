"""`benchmark [--children N]`: timings of the busiest pages and jobs, each beside a baseline from the same run.

Seeds (or reuses) N children with a school year of session marks, then prints ONE JSON report on stdout:
for every operation the median and 95th percentile in milliseconds and the number of SQL queries, with its
baselines (the roll list against the Django admin changelist and one hand-written SQL query; the attendance
import against a raw COPY into a bare table). Progress goes to stderr. Run it on PostgreSQL for numbers that
mean anything (`DATABASE_URL=postgres://... make bench`).

Page timings run inside a transaction that is rolled back, so access-log rows, alerts and the temporary admin
user they create leave nothing behind. An operation whose app is not installed or has no data reports
{"skipped": reason}; one that fails reports {"error": message}.
"""

import io
import json
import logging
import math
import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


class Skip(Exception):
    """This operation cannot be measured here (app not there yet, no data): reported, not fatal."""


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(fn: Callable[[], object], repeat: int, budget_seconds: float = 60.0) -> dict:
    """Median/p95 ms over `repeat` runs after one warm-up, and the SQL statements one run issues.

    A slow operation stops early once it has used `budget_seconds` (with at least three runs), so a big roll
    cannot make the report take hours; `runs` says how many were timed.
    """
    fn()  # warm-up: imports, template compilation, caches
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    samples = []
    spent = 0.0
    for i in range(repeat):
        started = time.perf_counter()
        if i == 0:
            with connection.execute_wrapper(count):
                fn()
        else:
            fn()
        samples.append(time.perf_counter() - started)
        spent += samples[-1]
        if spent > budget_seconds and len(samples) >= 3:
            break
    return {
        "median_ms": _ms(statistics.median(samples)),
        "p95_ms": _ms(_p95(samples)),
        "queries": len(queries),
        "runs": len(samples),
    }


def guarded(fn: Callable[[], dict]) -> dict:
    """Run one operation in its own savepoint, so a failure (reported) cannot spoil the ones after it."""
    try:
        with transaction.atomic():
            return fn()
    except Skip as exc:
        return {"skipped": str(exc)}
    except Exception as exc:  # one broken operation must not hide the others
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}


def url_or_skip(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch as exc:
        raise Skip(f"URL {name} is not available") from exc


def _urlconf_with_plain_child_admin():
    """The project's URLs with its admin replaced by a site holding one plain ModelAdmin for roll.Child."""
    from types import ModuleType

    from django.urls import URLResolver, path

    from roll.models import Child
    from vschool import urls as project_urls

    class ChildAdmin(admin.ModelAdmin):
        list_display = ["legal_last_name", "legal_first_name", "date_of_birth", "upn", "cohort", "current_school",
                        "caseworker"]
        list_select_related = ["current_school", "caseworker"]
        list_per_page = 50

    site = admin.AdminSite(name="admin")
    site.register(Child, ChildAdmin)
    module = ModuleType("vschool_benchmark_urls")
    module.urlpatterns = [path("admin/", site.urls)] + [
        p for p in project_urls.urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "admin")
    ]
    for name in ("handler404", "handler403", "handler500"):
        setattr(module, name, getattr(project_urls, name, None))
    return module


class Command(BaseCommand):
    help = "Time the roll list, child record, dashboard, PEP PDF, drift scan and attendance import; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=2000, help="children on the roll (seeded if fewer)")
        parser.add_argument("--repeat", type=int, default=20, help="timed runs per operation")
        parser.add_argument("--import-rows", type=int, default=300_000,
                            help="rows for the attendance import (about a week of marks for 30,000 children)")
        parser.add_argument("--seed", type=int, default=1)

    def log(self, message: str) -> None:
        self.stderr.write(message)

    def handle(self, *args, children, repeat, import_rows, seed, **options):
        from roll.models import Child

        started = time.monotonic()
        existing = Child.objects.count()
        if existing < children:
            self.log(f"Seeding {children} children with a school year of marks (found {existing})...")
            call_command("seed_demo", children=children, seed=seed, years=1, stdout=io.StringIO())
        elif connection.vendor == "postgresql":
            # Measure with planner statistics as autovacuum would keep them (it may be off on this server).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        report = {
            "database": connection.vendor,
            "children": Child.objects.count(),
            "session_marks": self._count_marks(),
            "repetitions": repeat,
            "operations": {},
        }
        if connection.vendor != "postgresql":
            report["note"] = "not PostgreSQL: figures are indicative only"
        ops = report["operations"]
        logging.disable(logging.CRITICAL)  # per-request and per-rule logs would only time the console
        try:
            self._measure_all(ops, repeat, import_rows)
        finally:
            logging.disable(logging.NOTSET)
        report["seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(json.dumps(report, indent=2, default=str))

    def _measure_all(self, ops: dict, repeat: int, import_rows: int) -> None:
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], REQUIRE_2FA=False, SECURE_SSL_REDIRECT=False
        ):
            with transaction.atomic():
                client = self._client()
                self.log("Roll list page...")
                ops["roll_list"] = guarded(lambda: self._roll_list(client, repeat))
                self.log("Roll list filters and sorts...")
                ops["roll_list_filters"] = guarded(lambda: self._roll_list_filters(client, max(3, repeat // 4)))
                self.log("Child record...")
                ops["child_detail"] = guarded(lambda: self._child_detail(client, repeat))
                self.log("Headteacher dashboard...")
                ops["dashboard"] = guarded(lambda: self._page(client, url_or_skip("dashboard:home"), repeat))
                self.log("PEP PDF...")
                ops["pep_pdf"] = guarded(lambda: self._pep_pdf(client, max(3, repeat // 2)))
                self.log("Drift scan of the whole roll...")
                ops["drift_scan"] = guarded(lambda: self._drift_scan(max(3, repeat // 4)))
                transaction.set_rollback(True)
        self.log("Attendance import...")
        ops["attendance_import"] = guarded(lambda: self._attendance_import(import_rows, runs=min(repeat, 5)))

    # --- set-up ---------------------------------------------------------------------------------------------

    def _count_marks(self) -> int | None:
        try:
            from attendance.models import SessionMark
        except ImportError:
            return None
        return SessionMark.objects.count()

    def _client(self) -> Client:
        from vschool.accounts.models import User

        vsh = User.objects.filter(username="vsh").first()
        if vsh is None:
            raise SystemExit("No user 'vsh': run `manage.py seed_demo` first.")
        client = Client()
        client.force_login(vsh)
        return client

    def _page(self, client: Client, url: str, repeat: int) -> dict:
        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return len(body)

        result = measure(get, repeat)
        result["url"] = url
        return result

    # --- operations -----------------------------------------------------------------------------------------

    def _roll_list(self, client: Client, repeat: int) -> dict:
        result = self._page(client, url_or_skip("roll:child_list"), repeat)
        result["baselines"] = {
            "admin_changelist": guarded(lambda: self._admin_changelist(repeat)),
            "sql": guarded(lambda: self._roll_list_sql(repeat)),
        }
        return result

    def _roll_list_filters(self, client: Client, repeat: int) -> dict:
        """The first page of the roll list under each filter and sort (and a few combinations) a user can pick."""
        from roll.models import Child, School

        url = url_or_skip("roll:child_list")
        child = Child.objects.on_roll().exclude(current_school=None).exclude(caseworker=None).order_by("pk").first()
        if child is None:
            raise Skip("no children with a school and a caseworker")
        school = School.objects.get(pk=child.current_school_id)
        word = max(school.name.split(), key=len)
        queries = {
            "cohort": "cohort=cla", "phase": "phase=statutory", "year_group": "year_group=10",
            "key_stage": "key_stage=KS2", "school_name": f"school={word}", "school_urn": f"school={school.urn}",
            "out_of_area": "area=out", "caseworker": f"caseworker={child.caseworker_id}",
            "legal_status": "legal_status=C2", "send": "send=ehcp", "open_alerts": "alerts=true",
            "search_name": f"q={child.legal_last_name[:4]}", "search_upn": f"q={child.upn or child.la_child_id}",
            "attendance_below_target": "attendance_low=true", "left_the_roll": "roll=off",
            "sort_age": "sort=age", "sort_school": "sort=school", "sort_attendance": "sort=attendance",
            "sort_attendance_desc": "sort=-attendance", "sort_joined": "sort=-joined",
            "combined": "cohort=cla&phase=statutory&send=sen_support&area=in&sort=school",
            "combined_attendance": "key_stage=KS4&attendance_low=true&sort=attendance",
        }
        results = {name: self._page(client, f"{url}?{query}", repeat) for name, query in queries.items()}
        slowest = max(results, key=lambda name: results[name]["median_ms"])
        # The headline figures are the worst of the pages: the slowest median and p95, the most queries.
        return {"median_ms": results[slowest]["median_ms"], "p95_ms": max(r["p95_ms"] for r in results.values()),
                "queries": max(r["queries"] for r in results.values()), "slowest": slowest, "pages": results}

    def _admin_changelist(self, repeat: int) -> dict:
        from roll.models import Child
        from vschool.accounts.models import User

        superuser = User.objects.create_superuser(
            username="benchmark-admin", email="benchmark-admin@example.invalid", password=None
        )  # rolled back with the rest of the page timings
        client = Client()
        client.force_login(superuser)
        if admin.site.is_registered(Child):
            result = self._page(client, url_or_skip("admin:roll_child_changelist"), repeat)
            result["admin"] = "the project's ModelAdmin for roll.Child"
            return result
        # Not registered in the project's admin: time a plain ModelAdmin for the same columns instead.
        with override_settings(ROOT_URLCONF=_urlconf_with_plain_child_admin()):
            result = self._page(client, reverse("admin:roll_child_changelist"), repeat)
        result["admin"] = "a plain ModelAdmin for roll.Child (the project does not register one)"
        return result

    def _roll_list_sql(self, repeat: int) -> dict:
        """One hand-written query for the roll list's first page: the same columns, order and total."""
        from roll.models import Child, School
        from vschool.accounts.models import User
        from vschool.alerts.models import Alert
        from vschool.core.pagination import DEFAULT_PAGE_SIZE

        today = timezone.localdate().isoformat()
        # The page's rows first (ORDER BY + LIMIT on the name index), then per-row counts and the roll total.
        sql = f"""
            SELECT p.*, s.name, u.first_name, u.last_name,
                   (SELECT COUNT(*) FROM {Alert._meta.db_table} a
                     WHERE a.child_id = p.id AND a.resolved_at IS NULL) AS open_alerts,
                   (SELECT COUNT(*) FROM {Child._meta.db_table} t
                     WHERE t.on_roll_from <= %(today)s
                       AND (t.on_roll_until IS NULL OR t.on_roll_until >= %(today)s)) AS total
              FROM (SELECT c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.date_of_birth, c.upn,
                           c.cohort, c.send_status, c.current_school_id, c.caseworker_id
                      FROM {Child._meta.db_table} c
                     WHERE c.on_roll_from <= %(today)s AND (c.on_roll_until IS NULL OR c.on_roll_until >= %(today)s)
                     ORDER BY c.legal_last_name, c.legal_first_name, c.id
                     LIMIT {DEFAULT_PAGE_SIZE}) p
              LEFT JOIN {School._meta.db_table} s ON s.id = p.current_school_id
              LEFT JOIN {User._meta.db_table} u ON u.id = p.caseworker_id
             ORDER BY p.legal_last_name, p.legal_first_name, p.id
        """

        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, {"today": today})
                return cursor.fetchall()

        return measure(run, repeat)

    def _child_detail(self, client: Client, repeat: int) -> dict:
        from roll.models import Child

        child = Child.objects.on_roll().order_by("pk").first() or Child.objects.order_by("pk").first()
        if child is None:
            raise Skip("no children")
        return self._page(client, url_or_skip("roll:child_detail", child.pk), repeat)

    def _pep_pdf(self, client: Client, repeat: int) -> dict:
        try:
            from peps.models import PEP
        except ImportError as exc:
            raise Skip("peps.models.PEP is not available") from exc
        pep = PEP.objects.order_by("-pk").first()
        if pep is None:
            raise Skip("no PEPs in the database")
        return self._page(client, url_or_skip("peps:pep_pdf", pep.pk), repeat)

    def _drift_scan(self, repeat: int) -> dict:
        try:
            from vschool.alerts.services import scan_drift
        except ImportError as exc:
            raise Skip("vschool.alerts.services.scan_drift is not available") from exc
        return measure(scan_drift, repeat)

    def _attendance_import(self, rows: int, runs: int) -> dict:
        """The import's median of `runs` runs (each rolled back), beside a raw COPY of the same file."""
        from attendance.importers import benchmark_import
        from roll.models import Child

        if not Child.objects.on_roll().exists():
            raise Skip("no children on the roll to import marks for")
        started = time.perf_counter()
        outcome = benchmark_import(rows, runs=runs)
        seconds = time.perf_counter() - started
        result = {
            "rows": outcome.get("rows", rows),
            "rows_per_s": outcome.get("import_rows_per_second") or (round(rows / seconds) if seconds else None),
            "seconds_for_all_runs_and_the_file": round(seconds, 3),
            "detail": outcome,
        }
        if outcome.get("raw_copy_rows_per_second"):  # COPY of the very same file, measured by the importer
            baseline = {"rows_per_s": outcome["raw_copy_rows_per_second"], "seconds": outcome.get("raw_copy_seconds"),
                        "method": "COPY FROM STDIN of the same CSV into a bare table"}
        else:
            baseline = guarded(lambda: self._raw_copy(rows))
        result["baselines"] = {"raw_copy": baseline}
        return result

    def _raw_copy(self, rows: int) -> dict:
        """The floor: the same number of rows into a bare table with no constraints (COPY on PostgreSQL)."""
        from datetime import date, timedelta

        first = date(2025, 9, 1)
        data = [(i // 380 + 1, first + timedelta(days=(i // 2) % 190), "AM" if i % 2 == 0 else "PM", "/")
                for i in range(rows)]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE benchmark_bare_marks (child_id bigint, date date, session varchar(2), "
                "code varchar(2))"
            )
            started = time.perf_counter()
            if connection.vendor == "postgresql":
                method = "COPY FROM STDIN"
                with cursor.cursor.copy("COPY benchmark_bare_marks (child_id, date, session, code) FROM STDIN") as cp:
                    for row in data:
                        cp.write_row(row)
            else:
                method = "executemany INSERT (no COPY on this database)"
                cursor.executemany("INSERT INTO benchmark_bare_marks VALUES (%s, %s, %s, %s)", data)
            seconds = time.perf_counter() - started
            cursor.execute("DROP TABLE benchmark_bare_marks")
        return {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds), "method": method}
