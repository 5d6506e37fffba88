from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from schoolwell.accounts.models import User


def _without_grants(fieldsets):
    # Group membership is a grant (per-school groups): only the roster services make it.
    return tuple(
        (name, {**opts, "fields": [f for f in opts["fields"] if f not in GRANT_FIELDS]})
        for name, opts in fieldsets
    )


GRANT_FIELDS = {"groups", "user_permissions"}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = _without_grants(BaseUserAdmin.fieldsets) + (
        ("SchoolWell", {"fields": ("sourced_id", "preferred_language", "phone")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
