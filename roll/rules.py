"""Who may do what on the roll (django-rules). Record-level visibility lives in Child.objects.visible_to."""

import rules

from vschool.accounts.rules import is_designated_teacher, is_social_worker, is_vs_staff

can_see_children = is_vs_staff | is_designated_teacher | is_social_worker

rules.add_perm("roll.view_roll", can_see_children)
rules.add_perm("roll.manage_roll", is_vs_staff)
rules.add_perm("roll.import_903", is_vs_staff)
rules.add_perm("roll.view_schools", is_vs_staff)
rules.add_perm("roll.export_roll", can_see_children)
