"""/api/v1/ (the API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from the app's
own static files), and the administrators' token page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from schoolwell.api import tokens_page
from schoolwell.api.views import consent, referrals, reports, roster, screening, sel, support
from schoolwell.api.views.fallback import not_found
from schoolwell.core import registry

app_name = "api"

# JSON only: no `.json` suffix routes (a second spelling of every URL, for nothing).
router = DefaultRouter(use_regex_path=True)
router.include_format_suffixes = False
router.register("students", roster.StudentViewSet, basename="student")
router.register("classes", roster.ClassViewSet, basename="class")
router.register("instruments", screening.InstrumentViewSet, basename="instrument")
router.register("screening-results", screening.ResultViewSet, basename="result")
router.register("referrals", referrals.ReferralViewSet, basename="referral")
router.register("support-plans", support.PlanViewSet, basename="plan")
router.register("consent/forms", consent.FormViewSet, basename="consent-form")
router.register("consent/decisions", consent.DecisionViewSet, basename="consent-decision")
router.register("sel/lessons", sel.LessonViewSet, basename="lesson")
router.register("sel/schedules", sel.ScheduleViewSet, basename="schedule")
router.register("exports", reports.ExportViewSet, basename="export")
# Other apps' endpoints (the student voice app's self check-ins, for one): core.registry.
for prefix, viewset, basename in registry.api_routes:
    router.register(prefix, viewset, basename=basename)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start script as a file (CSP: no inline script or style)."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


urlpatterns = [
    path("api/v1/checkins/", screening.CheckInList.as_view(), name="checkin-list"),
    re_path(
        r"^api/v1/classes/(?P<class_pk>[0-9]{1,18})/checkins/$",
        screening.ClassCheckIns.as_view(),
        name="class-checkins",
    ),
    re_path(
        r"^api/v1/students/(?P<student_pk>[0-9]{1,18})/disclosures/$",
        roster.DisclosureList.as_view(),
        name="disclosure-list",
    ),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(), name="docs"),
    path("api/tokens/", tokens_page.token_list, name="tokens"),
    re_path(
        r"^api/tokens/(?P<token_pk>[0-9]{1,18})/revoke/$",
        tokens_page.token_revoke,
        name="token_revoke",
    ),
    # Anything else under /api/: the API's own 404 body, not the site's HTML page.
    re_path(r"^api/", not_found),
]
