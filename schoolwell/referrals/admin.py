"""Threshold rules and the on-call roster in the Django admin, scoped like the roster admin:
an administrator sees and edits only the schools they administer."""

from django.contrib import admin

from schoolwell.accounts import gate
from schoolwell.referrals.models import ExternalProvider, OnCall, ThresholdRule
from schoolwell.roster.admin import SchoolScopedAdmin


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(SchoolScopedAdmin):
    list_display = ("name", "school", "kind", "priority", "due_within", "due_unit", "active")
    list_filter = ("kind", "priority", "active")
    search_fields = ("name", "code")


@admin.register(OnCall)
class OnCallAdmin(SchoolScopedAdmin):
    list_display = ("counsellor", "school", "active")
    list_filter = ("active",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only a counsellor of one of the administrator's schools can be put on call.
        if db_field.name == "counsellor" and not request.user.is_superuser:
            kwargs["queryset"] = gate.counsellors_of(self._school_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ExternalProvider)
class ExternalProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "phone", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")
