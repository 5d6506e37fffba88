"""Read API for rosters (DRF). Scoped by the same selectors as the pages.

Querysets come from `staff_visible_students` / `visible_classes`, so an object outside the
user's scope is a 404 exactly as on the pages; detail reads are audit-logged.
"""

from django.utils.translation import gettext_noop
from rest_framework import permissions, serializers, viewsets

from schoolwell.audit.services import access_log_record
from schoolwell.core.input import InputRejected, int_param
from schoolwell.roster.models import Class, Student
from schoolwell.roster.selectors import staff_visible_students, visible_classes


class IsStaffRole(permissions.BasePermission):
    """Staff roles only: guardians use the parent portal, not the roster API."""

    def has_permission(self, request, view):
        from schoolwell.accounts import gate

        return gate.may(request.user, "student.view_staff")


class StudentSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Student
        fields = [
            "id",
            "local_id",
            "given_name",
            "preferred_name",
            "family_name",
            "grade",
            "school",
        ]


class ClassSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Class
        fields = ["id", "title", "class_code", "grades", "school"]


class StudentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StudentSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffRole]

    def get_queryset(self):
        queryset = staff_visible_students(self.request.user).filter(active=True)
        try:
            klass = int_param(self.request.query_params, "class", minimum=1)
        except InputRejected as exc:
            raise serializers.ValidationError({"class": [str(exc)]}) from None
        if klass is not None:
            queryset = queryset.filter(enrollments__klass_id=klass, enrollments__active=True)
        return queryset.select_related("school").order_by("family_name", "given_name", "pk")

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        access_log_record(
            user=request.user,
            student=self.get_object(),
            what=gettext_noop("student (API)"),
            request=request,
        )
        return response


class ClassViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClassSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffRole]

    def get_queryset(self):
        return visible_classes(self.request.user).select_related("school").order_by("title", "pk")
