"""Students' own check-ins through the API (/api/v1/student-checkins/), registered with the
API app through `core.registry.api_routes`.

Read only, and only by the counsellors of the student's school: they are the ones who read
students' messages on the pages (a school may let class teachers read them on the class
page, but an integration reading whole schools is a counsellor's reach). Every page of
results is in each listed student's disclosure record.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_noop
from rest_framework import mixins, serializers, viewsets

from schoolwell.accounts import gate
from schoolwell.api.views.common import IntFilter, allowed
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record_many
from schoolwell.voice.models import StudentCheckIn
from schoolwell.voice.selectors import current_checkins

WHAT = gettext_noop("student check-ins (API)")


class StudentCheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudentCheckIn
        fields = [
            "id",
            "student",
            "school",
            "date",
            "feeling",
            "energy",
            "topics",
            "message",
            "wants_to_talk",
            "trusted_adult",
            "channel",
            "created_at",
            "talk_answered_at",
        ]


class StudentCheckInFilter(django_filters.FilterSet):
    student = IntFilter(min_value=1)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    wants_to_talk = django_filters.ChoiceFilter(
        choices=StudentCheckIn._meta.get_field("wants_to_talk").choices
    )

    class Meta:
        model = StudentCheckIn
        fields = ["student", "date_from", "date_to", "wants_to_talk"]


class StudentCheckInViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Students' own daily check-ins (the current one per student and day; corrections
    replaced are left out), newest first: for the counsellors of the student's school."""

    serializer_class = StudentCheckInSerializer
    permission_classes = [allowed("school.counsel")]
    filterset_class = StudentCheckInFilter
    queryset = StudentCheckIn.objects.none()  # for the schema; get_queryset scopes each request

    def get_queryset(self):
        schools = gate.school_ids(self.request.user, "school.counsel")
        return current_checkins().filter(school_id__in=schools).order_by("-date", "-pk")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", response.data)
        students = {row["student"] for row in rows}
        access_log_record_many(
            user=request.user,
            students=sorted(students),
            what=WHAT,
            request=request,
            action=AccessLog.Action.VIEW,
        )
        return response
