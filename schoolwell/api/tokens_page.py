"""The administrators' page for integration tokens: issue one (its key shown once),
see each token's schools, expiry and last use, revoke it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.api.models import ApiToken
from schoolwell.api.services import MAX_DAYS, api_token_issue, api_token_revoke
from schoolwell.core.registry import NavItem


def nav(scope) -> list[NavItem]:
    if gate.may(scope, "api.tokens.manage"):
        return [NavItem(gettext_lazy("API tokens"), "api:tokens", 90)]
    return []


def token_holders(user) -> forms.models.QuerySet:
    """Who an administrator may issue a token to: themselves and the people who work at
    the schools they administer (counsellors, administrators, teachers)."""
    school_ids = gate.school_ids(user, "api.tokens.manage")
    return (
        User.objects.filter(
            Q(pk=user.pk)
            | Q(pk__in=gate.counsellors_of(school_ids).values("pk"))
            | Q(pk__in=gate.administrators_of(school_ids).values("pk"))
            | Q(classuserobjectpermission__content_object__school_id__in=school_ids),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def managed_tokens(user):
    """Tokens narrowed to a school the administrator administers, and their own."""
    school_ids = gate.school_ids(user, "api.tokens.manage")
    return (
        ApiToken.objects.filter(Q(schools__in=school_ids) | Q(user=user) | Q(created_by=user))
        .distinct()
        .select_related("user")
        .prefetch_related("schools")
        .order_by("-created_at", "-pk")
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (what uses it)"), max_length=100)
    user = forms.ModelChoiceField(label=gettext_lazy("Acts as"), queryset=User.objects.none())
    schools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Schools"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=90
    )

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = token_holders(admin)
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["schools"].queryset = gate.schools(admin, "api.tokens.manage").order_by("name")


@require_http_methods(["GET", "POST"])
def token_list(request):
    if not gate.may(request.user, "api.tokens.manage"):
        raise PermissionDenied
    form = TokenForm(request.POST or None, admin=request.user, initial={"user": request.user})
    key, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, key = api_token_issue(
                    user=data["user"],
                    name=data["name"],
                    schools=data["schools"],
                    days=data["days"],
                    by=request.user,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        if key is None:
            status = 400
        else:
            form = TokenForm(admin=request.user, initial={"user": request.user})
    context = {"form": form, "key": key, "tokens": managed_tokens(request.user)}
    return render(request, "api/tokens.html", context, status=status)


@require_POST
def token_revoke(request, token_pk: int):
    if not gate.may(request.user, "api.tokens.manage"):
        raise PermissionDenied
    token = get_object_or_404(managed_tokens(request.user), pk=token_pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token was revoked. Requests with it are refused."))
    return redirect("api:tokens")
