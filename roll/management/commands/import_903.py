"""import_903 HEADER.csv EPISODES.csv [--dry-run]: load an SSDA903 extract into the roll."""

from django.core.management.base import BaseCommand, CommandError

from roll.importers import import_903


class Command(BaseCommand):
    help = "Import an SSDA903 header and episodes extract. Bad rows are reported; a file with wrong columns " \
           "imports nothing (exit 1). Importing the same files again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("header")
        parser.add_argument("episodes")
        parser.add_argument("--dry-run", action="store_true", help="check and count, but save nothing")

    def handle(self, *args, header, episodes, dry_run, **options):
        for path in (header, episodes):
            try:
                open(path, "rb").close()
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        result = import_903(header, episodes, dry_run=dry_run)
        for message in result.file_errors:
            self.stderr.write(message)
        if result.file_errors:
            raise CommandError("Nothing imported: fix the file errors above")
        for error in result.errors:
            self.stdout.write(f"Error: {error}")
        for warning in result.warnings:
            self.stdout.write(f"Warning: {warning}")
        prefix = "Dry run, nothing saved. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{result.summary()}; {len(result.errors)} rows not imported, {len(result.warnings)} warnings; "
            f"{result.seconds:.1f}s"
        ))
