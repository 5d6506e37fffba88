from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from schoolwell.api.errors import error_body


# It says nothing but "not found" and changes nothing: open to token callers (no session,
# no CSRF cookie), so they too get the JSON body rather than a sign-in page or a CSRF page.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def not_found(request):
    """An unknown path under /api/ (or an id that is not a number): the one error body."""
    return JsonResponse(error_body("not_found", _("No such endpoint or object.")), status=404)
