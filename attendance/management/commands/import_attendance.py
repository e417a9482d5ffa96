"""Import a CSV of attendance marks: child_id or upn, urn, date, session, code."""

from django.core.management.base import BaseCommand, CommandError

from attendance.importers import import_attendance


class Command(BaseCommand):
    help = "Import attendance marks from a CSV file. Reports every bad row; re-importing the same file changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, import nothing")

    def handle(self, *args, file, dry_run, **options):
        try:
            fh = open(file, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot open {file}: {exc.strerror}") from None
        with fh:
            result = import_attendance(fh, filename=file, dry_run=dry_run)
        if result.file_error:
            self.stderr.write(f"File refused, nothing imported: {result.file_error}")
            raise SystemExit(1)
        for line, message in result.errors:
            self.stdout.write(f"line {line}: {message}")
        if result.error_rows > len(result.errors):
            self.stdout.write(f"... and {result.error_rows - len(result.errors)} more bad rows")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {result.rows} rows, {result.valid_rows} valid, {result.error_rows} with errors; "
            f"{result.inserted} new marks, {result.updated} changed, {result.unchanged} unchanged "
            f"({result.seconds:.2f}s)."
        )
