"""import_gias FILE [--links LINKS.csv] [--dry-run]: load the national school register into School."""

from django.core.management.base import BaseCommand, CommandError

from roll.importers import import_gias


class Command(BaseCommand):
    help = "Import the register's all-establishments CSV (and optionally its links file). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--links", default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, links, dry_run, **options):
        for path in filter(None, (file, links)):
            try:
                open(path, "rb").close()
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        result = import_gias(file, links=links, dry_run=dry_run)
        for message in result.file_errors:
            self.stderr.write(message)
        if result.file_errors:
            raise CommandError("Nothing imported: fix the file errors above")
        for error in result.errors:
            self.stdout.write(f"Error: {error}")
        prefix = "Dry run, nothing saved. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{result.summary()}; {len(result.errors)} rows not imported; "
                                             f"{result.seconds:.1f}s"))
