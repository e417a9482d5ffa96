from django.contrib import admin

from .models import Closure, SchoolCalendar, TermDate


class TermDateInline(admin.TabularInline):
    model = TermDate
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(SchoolCalendar)
class SchoolCalendarAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["schools"]
    inlines = [TermDateInline, ClosureInline]


@admin.register(TermDate)
class TermDateAdmin(admin.ModelAdmin):
    list_display = ["academic_year", "term", "half", "start", "end", "calendar"]
    list_filter = ["academic_year", "term", "calendar"]
    ordering = ["calendar", "start"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "reason", "description", "calendar"]
    list_filter = ["reason", "calendar"]
    date_hierarchy = "date"
