"""The roster in the Django admin, for school and district administrators.

Administrators who are not superusers see and edit only the schools they administer
(the gate's `school.administer`); nothing is deleted here — students and classes are
deactivated, so their history stays intact. No grant is made here: django-guardian's
object-permission screens are not offered and guardian links are read-only, because
grants go through the roster services (which keep `who_can_access` and the scope cache true).
"""

from django.contrib import admin

from schoolwell.accounts import gate
from schoolwell.core.figures import school_consent_changed
from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    District,
    Enrollment,
    GuardianLink,
    School,
    Student,
)
from schoolwell.roster.services import districts_consent_changed


class SchoolScopedAdmin(admin.ModelAdmin):
    """Limit an admin page to the user's administered schools, through `school_path`."""

    school_path = "school"

    def _school_ids(self, request):
        return gate.school_ids(request.user, "school.administer")

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(self._school_ids(request))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.school_path}_id__in": self._school_ids(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Another school's id cannot be chosen (or posted) by an administrator of this one.
        if not request.user.is_superuser:
            if db_field.name == "school":
                kwargs["queryset"] = School.objects.filter(pk__in=self._school_ids(request))
            elif db_field.name in {"student", "klass"}:
                model = Student if db_field.name == "student" else Class
                kwargs["queryset"] = model.objects.filter(school_id__in=self._school_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ("student",)


class GuardianLinkInline(admin.TabularInline):
    """Shown, not edited: a guardian link is a grant (roster.services.guardian_link_set)."""

    model = GuardianLink
    extra = 0
    fields = readonly_fields = ("guardian", "relationship", "may_consent")

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or gate.may(request.user, "school.administer")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(School)
class SchoolAdmin(SchoolScopedAdmin):
    school_path = "id"
    list_display = ("name", "code", "district")
    # Related-only filters: the sidebar lists only what the administrator's queryset holds.
    list_filter = (("district", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "code")

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=self._school_ids(request))

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(AcademicTerm)
class AcademicTermAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "start_date", "end_date", "school_year")
    list_filter = ("kind", "school_year")

    # The school-year term decides which consent forms are in force: a change moves the
    # consent figures of every school of its district (the old one too, if it moved).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        districts_consent_changed(district_ids=[obj.district_id, form.initial.get("district")])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        districts_consent_changed(district_ids=[obj.district_id])

    def delete_queryset(self, request, queryset):
        districts = set(queryset.values_list("district_id", flat=True))
        super().delete_queryset(request, queryset)
        districts_consent_changed(district_ids=districts)


@admin.register(Class)
class ClassAdmin(SchoolScopedAdmin):
    list_display = ("title", "class_code", "school", "term", "grades", "active")
    list_filter = (("school", admin.RelatedOnlyFieldListFilter), "active")
    search_fields = ("title", "class_code")
    inlines = [EnrollmentInline]


@admin.register(Student)
class StudentAdmin(SchoolScopedAdmin):
    list_display = ("local_id", "family_name", "given_name", "grade", "school", "active")
    list_filter = (("school", admin.RelatedOnlyFieldListFilter), "grade", "active")
    search_fields = ("local_id", "family_name", "given_name")
    inlines = [GuardianLinkInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # School, active flag and date of birth decide the student's consent on the
        # dashboards (old and new school).
        school_consent_changed([obj.school_id, form.initial.get("school")])
