"""Create this term's PEP for every looked-after child on the roll who has none. Safe to run again."""

from django.core.management.base import BaseCommand

from peps.services import pep_create_first_peps, pep_create_term_peps


class Command(BaseCommand):
    help = "Create the current term's PEPs for looked-after children (PLAC and CWSW children get none)."

    def handle(self, *args, **options):
        from vschool.calendar.services import current_term

        term = current_term()
        first = pep_create_first_peps()
        count = pep_create_term_peps(term)
        self.stdout.write(self.style.SUCCESS(f"{count} PEP{'s' if count != 1 else ''} created for the {term.label}; "
                                             f"{first} first PEP{'s' if first != 1 else ''} started."))
