"""The roll in Django admin: for the VSH's data fixes. Day-to-day changes go through the service's own pages."""

from django.contrib import admin

from . import models


@admin.register(models.Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["la_child_id", "legal_last_name", "legal_first_name", "date_of_birth", "cohort",
                    "current_school", "caseworker", "on_roll_until"]
    list_filter = ["cohort", "send_status", "uasc"]
    list_select_related = ["current_school", "caseworker"]
    search_fields = ["la_child_id", "upn", "legal_last_name"]
    show_full_result_count = False
    raw_id_fields = ["current_school", "caseworker"]


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["urn", "name", "phase", "la_name", "status", "in_authority_area"]
    list_filter = ["phase", "status", "in_authority_area"]
    search_fields = ["urn", "name", "postcode"]
    raw_id_fields = ["predecessor"]


@admin.register(models.Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["child", "school", "kind", "pattern", "start", "end"]
    list_select_related = ["child", "school"]
    raw_id_fields = ["child", "school"]


@admin.register(models.Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["child", "place_code", "provider_code", "start", "end", "in_area"]
    list_select_related = ["child"]
    raw_id_fields = ["child"]


@admin.register(models.Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["child", "role", "user", "person_name", "start", "end"]
    list_select_related = ["child", "user"]
    raw_id_fields = ["child", "user"]


admin.site.register(models.Inspection, raw_id_fields=["school"])
admin.site.register(models.LegalStatus, raw_id_fields=["child"])
admin.site.register(models.SchoolStaff, raw_id_fields=["school", "user"])
