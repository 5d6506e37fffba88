from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from schoolwell.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("SchoolWell", {"fields": ("sourced_id", "preferred_language", "phone")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
