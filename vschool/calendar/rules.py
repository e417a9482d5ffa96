"""Who may change the calendar and the authority's rules: the headteacher only."""

import rules

from vschool.accounts.rules import is_headteacher

rules.add_perm("calendar.manage_settings", is_headteacher)
