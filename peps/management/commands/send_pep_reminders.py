"""Send PEP reminders that are due. A second run sends nothing new."""

from django.core.management.base import BaseCommand

from peps.reminders import send_pep_reminders


class Command(BaseCommand):
    help = "Email PEP reminders that are due (each once). --dry-run lists them without sending."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")

    def handle(self, *args, dry_run=False, **options):
        lines = send_pep_reminders(dry_run=dry_run)
        for line in lines:
            self.stdout.write(line)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{len(lines)} reminder{'s' if len(lines) != 1 else ''} {verb}."))
