"""Students and classes (read), and a student's disclosure record (FERPA).

Querysets come from the gate's selectors, so an object outside the user's scope is a 404
exactly as on the pages; a student's detail read is audit-logged."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.response import Response

from schoolwell.accounts import gate
from schoolwell.api.views.common import ID_REGEX, IntFilter, allowed
from schoolwell.audit.models import AccessLog
from schoolwell.audit.selectors import disclosure_record
from schoolwell.audit.services import access_log_record
from schoolwell.audit.texts import what_label
from schoolwell.roster.models import Class, Student
from schoolwell.roster.selectors import staff_visible_students, visible_classes


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


class StudentFilter(django_filters.FilterSet):
    klass = IntFilter(
        field_name="enrollments__klass_id", label="class", method="in_class", min_value=1
    )
    grade = IntFilter(min_value=-1, max_value=13)
    school = django_filters.CharFilter(field_name="school__code", max_length=64)

    class Meta:
        model = Student
        fields = ["grade", "school"]

    def in_class(self, queryset, name, value):
        return queryset.filter(enrollments__klass_id=value, enrollments__active=True)


# The query parameter is `class` (a Python keyword, hence `klass` in the class body).
StudentFilter.base_filters["class"] = StudentFilter.base_filters.pop("klass")


class StudentViewSet(viewsets.ReadOnlyModelViewSet):
    """Students the caller may see as staff (teachers: their classes; counsellors and
    administrators: their schools). Guardians use the consent endpoints."""

    serializer_class = StudentSerializer
    permission_classes = [allowed("student.view_staff")]
    filterset_class = StudentFilter
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return (
            staff_visible_students(self.request.user)
            .filter(active=True)
            .select_related("school")
            .order_by("family_name", "given_name", "pk")
        )

    def retrieve(self, request, *args, **kwargs):
        student = self.get_object()
        access_log_record(
            user=request.user, student=student, what=gettext_noop("student (API)"), request=request
        )
        return Response(self.get_serializer(student).data)


class ClassViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClassSerializer
    permission_classes = [allowed("class.view")]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return visible_classes(self.request.user).select_related("school").order_by("title", "pk")


class DisclosureSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    action = serializers.CharField()
    what = serializers.SerializerMethodField()

    def get_by(self, row) -> str:
        return row.user.get_full_name() or row.user.username

    def get_what(self, row) -> str:
        return what_label(row.what)


@extend_schema(parameters=[OpenApiParameter("student_pk", int, OpenApiParameter.PATH)])
class DisclosureList(generics.ListAPIView):
    """A student's disclosure record (FERPA 34 CFR 99.32): every view and export of their
    records, for the school's administrators and the student's own guardians."""

    queryset = AccessLog.objects.none()  # for the schema; get_queryset scopes each request
    serializer_class = DisclosureSerializer
    permission_classes = [allowed("student.view_disclosures")]

    def get_queryset(self):
        student = generics.get_object_or_404(
            gate.students(self.request.user, "student.view_disclosures"),
            pk=self.kwargs["student_pk"],
        )
        return disclosure_record(student)
