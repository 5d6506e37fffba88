"""Instruments (read), check-ins (list; bulk entry for a class) and screening results
(list; one result scored and stored by the scoring service)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.response import Response

from schoolwell.accounts import gate
from schoolwell.api.views.common import (
    ID_REGEX,
    IntFilter,
    ScopedIdField,
    allowed,
)
from schoolwell.core.input import MAX_ID
from schoolwell.roster.selectors import class_roster
from schoolwell.screening.models import CheckIn, Instrument, Respondent, ScreeningResult
from schoolwell.screening.models.checkins import NOTE_MAX
from schoolwell.screening.selectors import (
    active_instruments,
    checkins_visible_to,
    results_visible_to,
    windows_for,
)
from schoolwell.screening.services import CheckInEntry, checkins_record, screening_result_record

# A correction reaches back a week, as on the check-in page.
CORRECTION_DAYS = 7
MAX_ENTRIES = 500
MAX_ANSWERS = 200


class InstrumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["id", "code", "version", "name", "respondent", "definition"]


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    """The active instruments: items, options, scoring and bands as the app uses them."""

    serializer_class = InstrumentSerializer
    permission_classes = [allowed("student.view_staff")]
    lookup_value_regex = ID_REGEX
    filterset_fields = ["code", "respondent"]

    def get_queryset(self):
        return active_instruments().order_by("code", "pk")


class CheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = [
            "id",
            "student",
            "klass",
            "teacher",
            "date",
            "wellbeing",
            "absent",
            "tags",
            "note",
            "updated_at",
        ]


class CheckInFilter(django_filters.FilterSet):
    student = IntFilter(min_value=1)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["student", "date_from", "date_to"]


class CheckInList(generics.ListAPIView):
    """Check-ins the caller may read: a teacher's own, every check-in of a counsellor's
    schools."""

    serializer_class = CheckInSerializer
    permission_classes = [allowed("student.view_staff")]
    filterset_class = CheckInFilter

    def get_queryset(self):
        return checkins_visible_to(self.request.user).order_by("-date", "student_id", "pk")


class CheckInEntrySerializer(serializers.Serializer):
    student = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    wellbeing = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    absent = serializers.BooleanField(default=False)
    tags = serializers.ListField(
        child=serializers.SlugField(max_length=40), max_length=20, default=list
    )
    note = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, default="")


class CheckInBatchSerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text="Today unless given (up to 7 days back)."
    )
    entries = serializers.ListField(
        child=CheckInEntrySerializer(), min_length=1, max_length=MAX_ENTRIES
    )

    def validate_date(self, value: dt.date) -> dt.date:
        today = timezone.localdate()
        if not today - dt.timedelta(days=CORRECTION_DAYS) <= value <= today:
            raise serializers.ValidationError(_("The date must be within the last week."))
        return value


class CheckInBatchResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    checkins = CheckInSerializer(many=True)


@extend_schema(
    parameters=[OpenApiParameter("class_pk", int, OpenApiParameter.PATH)],
    request=CheckInBatchSerializer,
    responses={201: CheckInBatchResultSerializer},
)
class ClassCheckIns(generics.GenericAPIView):
    """A teacher's check-ins for a whole class on one day, through the check-in service:
    blank entries skipped, a second entry the same day corrects the first, any bad entry
    saves nothing. A constant number of queries whatever the class size."""

    serializer_class = CheckInBatchSerializer
    # Student check-ins (the voice app) are another endpoint: register it beside this one.

    def post(self, request, class_pk: int):
        klass = get_object_or_404(gate.classes(request.user, "class.view"), pk=class_pk)
        if not gate.may(request.user, "class.teach", klass):
            raise exceptions.PermissionDenied(_("Only the class's teachers enter check-ins."))
        batch = self.get_serializer(data=request.data)
        batch.is_valid(raise_exception=True)
        data = batch.validated_data
        entries = [
            CheckInEntry(
                student_id=e["student"],
                wellbeing=e.get("wellbeing"),
                absent=e["absent"],
                tags=e["tags"],
                note=e["note"],
            )
            for e in data["entries"]
        ]
        saved = checkins_record(
            klass=klass,
            teacher=request.user,
            date=data.get("date") or timezone.localdate(),
            entries=entries,
            roster=list(class_roster(klass)),
        )
        body = {"saved": len(saved), "checkins": CheckInSerializer(saved, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)


class ResultSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ScreeningResult
        fields = [
            "id",
            "student",
            "instrument",
            "window",
            "answers",
            "total",
            "band",
            "band_label",
            "subscales",
            "critical",
            "complete",
            "respondent",
            "administered_at",
            "consent_state",
            "consent_revoked_at",
        ]
        read_only_fields = fields


def _answer_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, str) and len(value) > 40:
            raise serializers.ValidationError(_("An answer is at most 40 characters."))
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > 1000:
            raise serializers.ValidationError(_("An answer is a small number or an option."))
        return value
    raise serializers.ValidationError(_("An answer is a number, a word or null."))


class ResultCreateSerializer(serializers.Serializer):
    student = ScopedIdField(lambda user: gate.students(user, "student.view_staff"))
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=Instrument.objects.filter(active=True)
    )
    window = ScopedIdField(windows_for, required=False, allow_null=True)
    answers = serializers.DictField(child=serializers.JSONField(), allow_empty=False)

    def validate_answers(self, answers: dict) -> dict:
        if len(answers) > MAX_ANSWERS:
            raise serializers.ValidationError(_("Too many answers."))
        for key, value in answers.items():
            if len(key) > 40:
                raise serializers.ValidationError(_("An item id is at most 40 characters."))
            _answer_value(value)
        return answers


class ResultFilter(django_filters.FilterSet):
    student = IntFilter(min_value=1)
    instrument = django_filters.CharFilter(field_name="instrument__code", max_length=32)
    window = IntFilter(min_value=1)
    critical = django_filters.BooleanFilter()
    date_from = django_filters.DateFilter(field_name="administered_at__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="administered_at__date", lookup_expr="lte")

    class Meta:
        model = ScreeningResult
        fields = ["student", "instrument", "window", "critical", "date_from", "date_to"]


@extend_schema_view(
    create=extend_schema(request=ResultCreateSerializer, responses={201: ResultSerializer}),
)
class ResultViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Screening results the caller may read (counsellors: their schools; teachers: the
    teacher ratings they entered). A new result is scored and stored by the scoring
    service: consent (rule 2), the window and the referral rules apply as on the pages."""

    serializer_class = ResultSerializer
    permission_classes = [allowed("student.view_staff")]
    filterset_class = ResultFilter
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return (
            results_visible_to(self.request.user)
            .select_related("instrument")
            .order_by("-administered_at", "-pk")
        )

    def get_serializer_class(self):
        return ResultCreateSerializer if self.action == "create" else ResultSerializer

    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        student, instrument = data["student"], data["instrument"]
        # Teacher-rated instruments: the student's teachers or counsellors; self-reports
        # (typed in from paper): the school's counsellors only.
        may = gate.may(request.user, "student.view_sensitive", student) or (
            instrument.respondent == Respondent.TEACHER
            and gate.may(request.user, "student.teach", student)
        )
        if not may:
            raise exceptions.PermissionDenied(_("Your role cannot enter this instrument."))
        result = screening_result_record(
            student=student,
            instrument=instrument,
            answers=data["answers"],
            by=request.user,
            window=data.get("window"),
        )
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)
