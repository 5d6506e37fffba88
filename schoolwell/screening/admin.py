"""Screening in the Django admin: each school's crisis plan for its administrators, and
the stored instrument versions, read-only (they change only by adding a fixture file)."""

from django.contrib import admin

from schoolwell.roster.admin import SchoolScopedAdmin
from schoolwell.screening.models import CrisisPlan, Instrument


@admin.register(CrisisPlan)
class CrisisPlanAdmin(SchoolScopedAdmin):
    """Rule 4: the steps and crisis line shown after a critical answer, per school."""

    list_display = ("school", "updated_at")
    fields = ("school", "staff_title", "staff_steps", "crisis_line", "student_message",
              "parent_message")  # fmt: skip


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "respondent", "active")
    readonly_fields = ("code", "version", "name", "respondent", "definition", "active")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
