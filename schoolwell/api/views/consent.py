"""Consent forms and decisions. Guardians read their own children's forms and decide in
the portal channel; school staff read their schools' and enter paper or phone decisions
on a guardian's behalf. Every write goes through the consent services (append-only)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.api.views.common import (
    ID_REGEX,
    IntFilter,
    ScopedIdField,
)
from schoolwell.consent.models import Channel, ConsentDecision, ConsentForm, Decision
from schoolwell.consent.services import consent_deny, consent_grant, consent_revoke
from schoolwell.core.input import MAX_ID

SERVICES = {
    Decision.GRANTED: consent_grant,
    Decision.DENIED: consent_deny,
    Decision.REVOKED: consent_revoke,
}


def _children(user):
    return gate.students(user, "consent.decide")


def visible_forms(user):
    """Staff: every form of their schools; guardians: the published forms of their
    children's schools."""
    condition = Q(school_id__in=gate.school_ids(user, "consent.record"))
    if gate.may(user, "consent.decide"):
        condition |= Q(
            school_id__in=_children(user).values("school_id"), published_at__isnull=False
        )
    return ConsentForm.objects.filter(condition)


def visible_decisions(user):
    condition = Q(student__school_id__in=gate.school_ids(user, "consent.record"))
    if gate.may(user, "consent.decide"):
        condition |= Q(student__in=_children(user))
    return ConsentDecision.objects.filter(condition)


class FormSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ConsentForm
        fields = [
            "id",
            "school",
            "purpose",
            "version",
            "school_year",
            "policy",
            "notice_days",
            "title",
            "summary",
            "body",
            "published_at",
            "active",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentDecision
        fields = ["id", "student", "guardian", "form", "decision", "channel", "recorded_by", "at"]


class DecisionCreateSerializer(serializers.Serializer):
    student = ScopedIdField(lambda user: gate.students(user, "student.view"))
    form = ScopedIdField(visible_forms)
    decision = serializers.ChoiceField(choices=Decision.choices)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.PORTAL,
        help_text="portal: a guardian deciding for themselves; paper or phone: staff entry.",
    )
    guardian = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Staff entry: the guardian whose decision this is.",
    )
    note = serializers.CharField(max_length=500, allow_blank=True, default="")


class DecisionFilter(django_filters.FilterSet):
    student = IntFilter(min_value=1)
    form = IntFilter(min_value=1)
    decision = django_filters.ChoiceFilter(choices=Decision.choices)

    class Meta:
        model = ConsentDecision
        fields = ["student", "form", "decision"]


class FormViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FormSerializer
    lookup_value_regex = ID_REGEX
    filterset_fields = ["purpose", "policy"]

    def get_queryset(self):
        return visible_forms(self.request.user).select_related("school").order_by("-pk")


@extend_schema_view(
    create=extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer}),
)
class DecisionViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Consent decisions: append-only; a change of mind is a new decision."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return visible_decisions(self.request.user).order_by("-at", "-pk")

    def get_serializer_class(self):
        return DecisionCreateSerializer if self.action == "create" else DecisionSerializer

    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        student, channel = data["student"], data["channel"]
        if channel == Channel.PORTAL:
            if not gate.may(request.user, "consent.decide", student):
                raise exceptions.PermissionDenied(_("Only a guardian decides in the portal."))
            guardian = request.user
        else:
            if not gate.may(request.user, "consent.record", student):
                raise exceptions.PermissionDenied(
                    _("Only the school's staff enter paper or phone decisions.")
                )
            guardian = User.objects.filter(
                pk=data.get("guardian") or 0, guardian_links__student=student
            ).first()
            if guardian is None:
                raise exceptions.ValidationError(
                    {"guardian": [_("Name a guardian of this student.")]}
                )
        row = SERVICES[data["decision"]](
            student=student,
            guardian=guardian,
            form=data["form"],
            channel=channel,
            recorded_by=request.user,
            note=data["note"],
        )
        return Response(DecisionSerializer(row).data, status=status.HTTP_201_CREATED)
