"""Create the first Virtual School Headteacher account of a new deployment.

    python manage.py create_vsh --email head@council.example.org --first-name Alex --last-name Morgan

The password is read from VSCHOOL_VSH_PASSWORD when set (for scripted set-up), otherwise asked for twice.
The new user can then invite everyone else from the Users page.
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vschool.accounts.demo import ensure_groups
from vschool.accounts.services import vsh_create


class Command(BaseCommand):
    help = "Create the first Virtual School Headteacher (VSH) account."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)

    def handle(self, *args, **options):
        password = os.environ.get("VSCHOOL_VSH_PASSWORD")
        if not password:
            if not os.isatty(0):
                raise CommandError("Set VSCHOOL_VSH_PASSWORD or run the command in a terminal to type a password")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match")
        ensure_groups()
        try:
            user = vsh_create(email=options["email"], first_name=options["first_name"],
                              last_name=options["last_name"], password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {user.email} as Virtual School Headteacher"))
