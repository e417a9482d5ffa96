from django.contrib import admin

from .models import AlternativeProvision, Exclusion, ImportBatch, PartTimeTimetable, WeeklyReturn


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "filename", "status", "rows", "valid_rows", "error_rows", "inserted", "updated"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ["child", "kind", "start", "days", "reason", "board_deadline"]
    list_filter = ["kind", "reason"]
    raw_id_fields = ["child", "school"]
    list_select_related = ["child"]


@admin.register(PartTimeTimetable)
class PartTimeTimetableAdmin(admin.ModelAdmin):
    list_display = ["child", "hours_per_week", "start", "review_due", "end"]
    raw_id_fields = ["child", "school"]
    list_select_related = ["child"]


admin.site.register(AlternativeProvision, raw_id_fields=["child", "enrolment"])
admin.site.register(WeeklyReturn, raw_id_fields=["child", "school"])
