"""Demo seeding, last in the order: scan every drift rule over the demo data so the inbox has alerts."""

from .services import scan_drift


def seed(ctx) -> None:
    report = scan_drift()
    open_total = sum(c["open"] for c in report.values())
    ctx.say(f"  drift scan: {len(report)} rules, {open_total} open alerts")
