"""Support plans with their goals and progress checks (read), for the school's
counsellors and administrators."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from schoolwell.api.views.common import ID_REGEX, IntFilter, allowed
from schoolwell.support.models import Goal, PlanStatus, ProgressCheck, SupportPlan
from schoolwell.support.selectors import staff_plans


class ProgressCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressCheck
        fields = ["id", "date", "value", "source", "n"]


class GoalSerializer(serializers.ModelSerializer):
    checks = ProgressCheckSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "description",
            "measure",
            "instrument_code",
            "direction",
            "baseline",
            "target",
            "by_date",
            "checks",
        ]


class PlanSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "student",
            "school",
            "referral",
            "tier",
            "concern_areas",
            "owner",
            "start_date",
            "next_review_on",
            "status",
            "outcome",
            "closed_on",
            "goals",
        ]


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    student = IntFilter(min_value=1)
    school = django_filters.CharFilter(field_name="school__code", max_length=64)

    class Meta:
        model = SupportPlan
        fields = ["status", "student", "school", "tier"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Support plans of the caller's schools, each with its goals and their progress checks."""

    serializer_class = PlanSerializer
    permission_classes = [allowed("support.plan.view")]
    filterset_class = PlanFilter
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        checks = ProgressCheck.objects.order_by("date", "pk")
        goals = Goal.objects.order_by("pk").prefetch_related(Prefetch("checks", queryset=checks))
        return (
            staff_plans(self.request.user)
            .select_related("school")
            .prefetch_related(Prefetch("goals", queryset=goals))
            .order_by("next_review_on", "pk")
        )
