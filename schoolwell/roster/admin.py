from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    District,
    Enrollment,
    GuardianLink,
    School,
    Student,
)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ("student",)


class GuardianLinkInline(admin.TabularInline):
    model = GuardianLink
    extra = 0
    raw_id_fields = ("guardian",)


@admin.register(District)
class DistrictAdmin(GuardedModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(School)
class SchoolAdmin(GuardedModelAdmin):
    list_display = ("name", "code", "district")
    list_filter = ("district",)
    search_fields = ("name", "code")


@admin.register(AcademicTerm)
class AcademicTermAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "start_date", "end_date", "school_year")
    list_filter = ("kind", "school_year")


@admin.register(Class)
class ClassAdmin(GuardedModelAdmin):
    list_display = ("title", "class_code", "school", "term", "grades", "active")
    list_filter = ("school", "active")
    search_fields = ("title", "class_code")
    inlines = [EnrollmentInline]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("local_id", "family_name", "given_name", "grade", "school", "active")
    list_filter = ("school", "grade", "active")
    search_fields = ("local_id", "family_name", "given_name")
    inlines = [GuardianLinkInline]
