"""Referrals: the queue (filtered with django-filter, in queue order: rule 6), claim
(exclusive: rule 5), status steps and counsellor notes, all through the referral services.

Private memory-aid notes (FERPA sole-possession) are never returned by the API, not even
to their author: the API reads only counsellor notes, and counts the others."""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from schoolwell.accounts.models import User
from schoolwell.api.views.common import (
    ID_REGEX,
    IntFilter,
    allowed,
)
from schoolwell.core.input import MAX_ID
from schoolwell.referrals.models import Priority, Referral, ReferralNote, Status
from schoolwell.referrals.selectors import referral_notes, staff_referrals
from schoolwell.referrals.services import (
    NOTE_MAX_LENGTH,
    referral_claim,
    referral_close,
    referral_note_add,
    referral_reassign,
    referral_status_set,
)
from schoolwell.referrals.services.workflow import WORK_STATUSES


class ReasonSerializer(serializers.Serializer):
    source = serializers.CharField()
    code = serializers.CharField()
    priority = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ReferralSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "student",
            "school",
            "source",
            "priority",
            "status",
            "assignee",
            "opened_at",
            "due_at",
            "claimed_at",
            "closed_at",
            "outcome",
            "is_overdue",
            "reasons",
        ]
        read_only_fields = fields


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    grade = IntFilter(field_name="student__grade", min_value=-1, max_value=13)
    school = django_filters.CharFilter(field_name="school__code", max_length=64)
    assignee = IntFilter(min_value=1)
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    mine = django_filters.BooleanFilter(method="filter_mine")
    overdue = django_filters.BooleanFilter(field_name="is_overdue")
    open = django_filters.BooleanFilter(method="filter_open", label="open (default: true)")

    class Meta:
        model = Referral
        fields = ["status", "priority", "grade", "school", "assignee"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset

    def filter_open(self, queryset, name, value):
        return queryset.exclude(status=Status.CLOSED) if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        # The queue by default: open referrals, unless a status or open=false asks.
        if self.form.cleaned_data.get("open") is None and not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Status.CLOSED)
        return queryset


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=sorted(WORK_STATUSES))


class CloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        max_length=64, help_text="An outcome code of the school's list."
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, help_text="The closing note.")


class ReassignSerializer(serializers.Serializer):
    to = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A counsellor of the referral's school."
    )


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralNote
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": NOTE_MAX_LENGTH}}


class NotesSerializer(serializers.Serializer):
    notes = NoteSerializer(many=True)
    hidden_private = serializers.IntegerField(
        help_text="Private memory-aid notes: counted, never shown through the API."
    )


class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    """The referral queue of the caller's schools (counsellors and administrators):
    priority, then due time, then age."""

    serializer_class = ReferralSerializer
    permission_classes = [allowed("referral.view")]
    filterset_class = ReferralFilter
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return (
            staff_referrals(self.request.user)
            .select_related("school")
            .prefetch_related("reasons")
            .annotate(
                is_overdue=ExpressionWrapper(
                    Q(due_at__lt=timezone.now()) & ~Q(status=Status.CLOSED),
                    output_field=BooleanField(),
                )
            )
            .order_by("priority", "due_at", "opened_at", "pk")
        )

    def _reply(self, referral: Referral, code=status.HTTP_200_OK) -> Response:
        return Response(ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data, code)

    @extend_schema(request=None, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take an unclaimed referral (exclusive: a second claimant gets a 409)."""
        return self._reply(referral_claim(referral=self.get_object(), by=request.user))

    @extend_schema(request=StatusSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Move a claimed referral to triage or in progress (its assignee only)."""
        referral = self.get_object()
        form = StatusSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._reply(
            referral_status_set(referral=referral, by=request.user, status=form.data["status"])
        )

    @extend_schema(request=CloseSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close with an outcome and a closing note (its assignee)."""
        referral = self.get_object()
        form = CloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._reply(
            referral_close(referral=referral, by=request.user, **form.validated_data)
        )

    @extend_schema(request=ReassignSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Hand the referral to another counsellor of the school."""
        referral = self.get_object()
        form = ReassignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        to = User.objects.filter(pk=form.validated_data["to"], is_active=True).first()
        if to is None:
            raise serializers.ValidationError({"to": [_("Choose a counsellor of this school.")]})
        return self._reply(referral_reassign(referral=referral, by=request.user, to=to))

    @extend_schema(methods=["GET"], request=None, responses={200: NotesSerializer})
    @extend_schema(
        methods=["POST"],
        request=NoteSerializer,
        responses={201: NoteSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def notes(self, request, pk=None):
        """Counsellor notes (read: the school's counsellors and administrators). A note
        added here is a counsellor note; private notes are for the pages only."""
        referral = self.get_object()
        if request.method == "POST":
            form = NoteSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            if "private" in request.data:
                # Never turn a requested memory aid into a shared note: refuse it instead.
                raise serializers.ValidationError(
                    {"private": [_("Private notes are written on the referral's page only.")]}
                )
            note = referral_note_add(
                referral=referral, by=request.user, body=form.validated_data["body"], private=False
            )
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        visible = referral_notes(user=request.user, referral=referral)
        shown = [n for n in visible.notes if not n.private]
        hidden = visible.hidden_private + len(visible.notes) - len(shown)
        return Response({"notes": NoteSerializer(shown, many=True).data, "hidden_private": hidden})
