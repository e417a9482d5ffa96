"""Attendance records in the admin are for looking up only: every write goes through the services, which check
permissions, work out deadlines, keep the rollups current, notify and rescan the drift rules."""

from django.contrib import admin

from .models import AlternativeProvision, Exclusion, ImportBatch, PartTimeTimetable, WeeklyReturn


class ViewOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ViewOnlyAdmin):
    list_display = ["created_at", "filename", "status", "rows", "valid_rows", "error_rows", "inserted", "updated"]
    list_filter = ["status"]


@admin.register(Exclusion)
class ExclusionAdmin(ViewOnlyAdmin):
    list_display = ["child", "kind", "start", "days", "reason", "board_deadline"]
    list_filter = ["kind", "reason"]
    raw_id_fields = ["child", "school"]
    list_select_related = ["child"]


@admin.register(PartTimeTimetable)
class PartTimeTimetableAdmin(ViewOnlyAdmin):
    list_display = ["child", "hours_per_week", "start", "review_due", "end"]
    raw_id_fields = ["child", "school"]
    list_select_related = ["child"]


@admin.register(AlternativeProvision)
class AlternativeProvisionAdmin(ViewOnlyAdmin):
    list_display = ["child", "provider", "start", "end"]
    raw_id_fields = ["child", "enrolment"]
    list_select_related = ["child"]


@admin.register(WeeklyReturn)
class WeeklyReturnAdmin(ViewOnlyAdmin):
    list_display = ["child", "week_start", "possible", "attended"]
    raw_id_fields = ["child", "school"]
    list_select_related = ["child"]
