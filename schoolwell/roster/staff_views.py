"""School staff management for administrators: who counsels and administers a school."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.roster.selectors import administered_schools, school_staff
from schoolwell.roster.services import school_staff_remove, staff_invite

STAFF_ROLE_CHOICES = [
    (Role.COUNSELLOR.value, Role.COUNSELLOR.label),
    (Role.SCHOOL_ADMIN.value, Role.SCHOOL_ADMIN.label),
]


def _max_length(field: str) -> int:
    return User._meta.get_field(field).max_length


class StaffForm(forms.Form):
    # The email becomes the username of a new account too: it must fit both columns (a
    # 312-character address passed the form and was refused by PostgreSQL: a 500).
    email = forms.EmailField(
        label=_("Email"), max_length=min(_max_length("email"), _max_length("username"))
    )
    first_name = forms.CharField(
        label=_("Given name"), max_length=_max_length("first_name"), required=False
    )
    last_name = forms.CharField(
        label=_("Family name"), max_length=_max_length("last_name"), required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


def _school(request, pk):
    return get_object_or_404(administered_schools(request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def staff_list(request, pk: int):
    school = _school(request, pk)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = staff_invite(
            school=school,
            email=form.cleaned_data["email"],
            role=Role(form.cleaned_data["role"]),
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            request=request,
        )
        messages.success(request, _("%(user)s was added.") % {"user": user})
        return redirect("roster:school_staff", pk=school.pk)
    return render(
        request,
        "roster/staff.html",
        {
            "school": school,
            "staff": school_staff(school),
            "form": form,
            "roles": STAFF_ROLE_CHOICES,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def staff_remove(request, pk: int):
    school = _school(request, pk)
    role = request.POST.get("role")
    if role not in dict(STAFF_ROLE_CHOICES):
        raise Http404
    user_id = request.POST.get("user", "")
    if not user_id.isdigit():  # rule 9: a tampered id is a 404, never a 500
        raise Http404
    user = get_object_or_404(User, pk=user_id)
    if user == request.user and role == Role.SCHOOL_ADMIN:
        messages.error(request, _("You cannot remove your own administrator role."))
        return redirect("roster:school_staff", pk=school.pk)
    school_staff_remove(school=school, user=user, role=Role(role))
    messages.success(request, _("%(user)s was removed.") % {"user": user})
    return redirect("roster:school_staff", pk=school.pk)
