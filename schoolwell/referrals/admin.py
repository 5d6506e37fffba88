from django.contrib import admin

from schoolwell.referrals.models import ExternalProvider, OnCall, ThresholdRule


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "kind", "priority", "due_within", "due_unit", "active")
    list_filter = ("school", "kind", "priority", "active")
    search_fields = ("name", "code")


@admin.register(ExternalProvider)
class ExternalProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "phone", "active")
    list_filter = ("district", "active")
    search_fields = ("name", "code")


@admin.register(OnCall)
class OnCallAdmin(admin.ModelAdmin):
    list_display = ("counsellor", "school", "active")
    list_filter = ("school", "active")
    raw_id_fields = ("counsellor",)
