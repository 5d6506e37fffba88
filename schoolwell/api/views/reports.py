"""Export jobs: start one, poll it, download its file (the requester only, until it
expires), through the reports services: the same kinds, scope and disclosure log."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from schoolwell.api.errors import Gone
from schoolwell.api.views.common import (
    ID_REGEX,
    ErrorSerializer,
    ScopedIdField,
)
from schoolwell.reports.exports import KINDS, ExportFilters
from schoolwell.reports.exports.base import requester_schools
from schoolwell.reports.models import Export
from schoolwell.reports.services import export_request


class ExportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id",
            "kind",
            "filters",
            "status",
            "rows_done",
            "rows_total",
            "percent",
            "created_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, export) -> str | None:
        if export.status == Export.Status.DONE and not export.is_expired:
            return reverse("api:export-download", args=[export.pk])
        return None


class ExportCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(KINDS))
    school = ScopedIdField(requester_schools, required=False, allow_null=True)
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, data):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("The period must start before it ends.")]}
            )
        return data


@extend_schema_view(
    create=extend_schema(request=ExportCreateSerializer, responses={202: ExportSerializer}),
)
class ExportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's own exports (nobody else's, ever). A new one runs in the background:
    poll its `status` and `percent`, then fetch `download_url`."""

    queryset = Export.objects.none()  # for the schema; get_queryset scopes each request
    serializer_class = ExportSerializer
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return Export.objects.filter(requested_by=self.request.user).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return ExportCreateSerializer if self.action == "create" else ExportSerializer

    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        school = data.get("school")
        export = export_request(
            user=request.user,
            kind=data["kind"],
            filters=ExportFilters(
                school.pk if school else None, data.get("date_from"), data.get("date_to")
            ),
        )
        export.refresh_from_db()
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY, description="The XLSX file."),
            410: OpenApiResponse(ErrorSerializer, description="Expired: request it again."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        if export.is_expired:
            raise Gone(_("This export has expired. Please request it again."))
        if export.status != Export.Status.DONE or not export.file:
            raise exceptions.NotFound(_("This export is not ready yet."))
        response = FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=f"schoolwell-{export.kind}-{export.created_at:%Y%m%d-%H%M}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Cache-Control"] = "private, no-store"
        return response
