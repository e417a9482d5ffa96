"""Who may do what with attendance records."""

import rules

from vschool.accounts.rules import is_designated_teacher, is_vs_staff


@rules.predicate
def can_see_child(user, child) -> bool:
    from roll.models import Child

    if child is None:
        return False
    return Child.objects.visible_to(user).filter(pk=child.pk).exists()


# VS staff for every child; a designated teacher for the pupils of their school(s).
record_for_child = is_vs_staff | (is_designated_teacher & can_see_child)

rules.add_perm("attendance.record_marks", record_for_child)
rules.add_perm("attendance.record_exclusion", record_for_child)
rules.add_perm("attendance.record_part_time", record_for_child)
rules.add_perm("attendance.import_marks", is_vs_staff)
