"""SEL lessons (read), schedules (list, plan) and deliveries (log delivered or skipped),
through the SEL selectors and services."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from schoolwell.api.views.common import (
    ID_REGEX,
    IntFilter,
    ScopedIdField,
    allowed,
)
from schoolwell.core.input import MAX_ID
from schoolwell.roster.models import Student
from schoolwell.sel.models import DeliveryStatus, Lesson, LessonDelivery, LessonSchedule
from schoolwell.sel.selectors import sel_classes, visible_lessons
from schoolwell.sel.services import delivery_record, delivery_skip, lessons_schedule


class LessonSerializer(serializers.ModelSerializer):
    competencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    # None: a starter lesson of the shared library.
    school = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "slug",
            "title",
            "grade_band",
            "competencies",
            "minutes",
            "objectives",
            "materials",
            "steps",
            "unit",
            "sequence",
            "school",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    students_present = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = LessonDelivery
        fields = [
            "status",
            "delivered_on",
            "minutes",
            "students_present",
            "roster_size",
            "skip_reason",
            "reflection",
            "recorded_at",
        ]


class ScheduleSerializer(serializers.ModelSerializer):
    delivery = DeliverySerializer(read_only=True, allow_null=True)

    class Meta:
        model = LessonSchedule
        fields = ["id", "klass", "lesson", "planned_on", "delivery"]


class ScheduleCreateSerializer(serializers.Serializer):
    klass = ScopedIdField(sel_classes)
    lesson = ScopedIdField(visible_lessons)
    planned_on = serializers.DateField()


class DeliveryInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    delivered_on = serializers.DateField(required=False)
    minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=500,
        default=list,
    )
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")
    reflection = serializers.CharField(max_length=2000, allow_blank=True, default="")

    def validate(self, data):
        if data["status"] == DeliveryStatus.DELIVERED:
            missing = {
                f: [serializers.Field.default_error_messages["required"]]
                for f in ("delivered_on", "minutes")
                if f not in data
            }
            if missing:
                raise serializers.ValidationError(missing)
        return data


class LessonViewSet(viewsets.ReadOnlyModelViewSet):
    """The lesson library the caller sees: the starter lessons and their schools' own."""

    serializer_class = LessonSerializer
    permission_classes = [allowed("student.view_staff")]
    lookup_value_regex = ID_REGEX
    filterset_fields = ["grade_band", "unit"]

    def get_queryset(self):
        return (
            visible_lessons(self.request.user)
            .select_related("school")
            .prefetch_related("competencies")
            .order_by("unit", "sequence", "slug", "pk")
        )


class ScheduleFilter(django_filters.FilterSet):
    klass = IntFilter(min_value=1)
    date_from = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte")

    class Meta:
        model = LessonSchedule
        fields = ["klass", "date_from", "date_to"]


@extend_schema_view(
    create=extend_schema(request=ScheduleCreateSerializer, responses={201: ScheduleSerializer}),
)
class ScheduleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Lessons planned for the classes whose SEL the caller plans (their own classes as a
    teacher, every class of a school they administer), with each delivery."""

    serializer_class = ScheduleSerializer
    permission_classes = [allowed("class.plan_sel")]
    filterset_class = ScheduleFilter
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return (
            LessonSchedule.objects.filter(klass__in=sel_classes(self.request.user))
            .select_related("delivery")
            .prefetch_related("delivery__students_present")
            .order_by("planned_on", "pk")
        )

    def get_serializer_class(self):
        return ScheduleCreateSerializer if self.action == "create" else ScheduleSerializer

    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        [schedule] = lessons_schedule(
            klass=data["klass"],
            lessons=[data["lesson"]],
            dates=[data["planned_on"]],
            by=request.user,
        )
        return Response(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DeliveryInputSerializer,
        responses={200: ScheduleSerializer},
    )
    @action(detail=True, methods=["post"])
    def delivery(self, request, pk=None):
        """Log the lesson as delivered (date, minutes, students present from the class
        roster) or skipped (with a reason); a second call corrects the first."""
        schedule = self.get_object()
        form = DeliveryInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if data["status"] == DeliveryStatus.DELIVERED:
            present = list(Student.objects.filter(pk__in=data["present"]))
            if len(present) != len(set(data["present"])):
                raise serializers.ValidationError(
                    {"present": [_("Students present must be on the class roster.")]}
                )
            delivery_record(
                schedule=schedule,
                delivered_on=data["delivered_on"],
                minutes=data["minutes"],
                present=present,
                reflection=data["reflection"],
                by=request.user,
                today=timezone.localdate(),
            )
        else:
            delivery_skip(
                schedule=schedule,
                reason=data["reason"],
                reflection=data["reflection"],
                by=request.user,
            )
        return Response(ScheduleSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
