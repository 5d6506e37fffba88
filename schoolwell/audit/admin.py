from django.contrib import admin

from schoolwell.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the disclosure record is never edited (rule 8)."""

    list_display = ("at", "user", "student", "action", "what", "ip_address")
    list_filter = ("action",)
    date_hierarchy = "at"
    raw_id_fields = ("user", "student")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
