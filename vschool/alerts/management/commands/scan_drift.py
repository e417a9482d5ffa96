"""Evaluate every registered drift rule now and print counts per rule. Safe to run again at any time."""

from django.core.management.base import BaseCommand

from vschool.alerts.services import scan_drift


class Command(BaseCommand):
    help = (
        "Evaluate every registered drift rule now; print raised, updated, resolved and open counts per rule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rule", action="append", dest="rules", help="only this rule code (repeatable)")

    def handle(self, *args, rules=None, **options):
        report = scan_drift(codes=rules)
        if not report:
            self.stdout.write("No drift rules are registered.")
            return
        width = max(len(code) for code in report)
        self.stdout.write(f"{'rule'.ljust(width)}  raised  updated  resolved    open")
        totals = {"raised": 0, "updated": 0, "resolved": 0, "open": 0}
        failed = 0
        for code, counts in report.items():
            line = (
                f"{code.ljust(width)}  {counts['raised']:>6}  {counts['updated']:>7}  {counts['resolved']:>8}  "
                f"{counts['open']:>6}"
            )
            if counts.get("error"):
                failed += 1
                line += f"  FAILED: {counts['error']}"
            self.stdout.write(line)
            for k in totals:
                totals[k] += counts[k]
        self.stdout.write(
            f"{'total'.ljust(width)}  {totals['raised']:>6}  {totals['updated']:>7}  {totals['resolved']:>8}  "
            f"{totals['open']:>6}"
        )
        if failed:
            self.stderr.write(self.style.ERROR(f"{failed} rule(s) failed; see the log"))
