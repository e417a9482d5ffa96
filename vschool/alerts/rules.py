"""Who may use the alerts inbox and act on an alert."""

import rules

from vschool.accounts.rules import is_designated_teacher, is_social_worker, is_vs_staff

rules.add_perm("alerts.view_inbox", is_vs_staff | is_designated_teacher | is_social_worker)
# Object-level: the alert must also be in the user's inbox (checked by the selector in services).
rules.add_perm("alerts.act_on_alert", is_vs_staff | is_designated_teacher | is_social_worker)
rules.add_perm("alerts.assign_to_others", is_vs_staff)
