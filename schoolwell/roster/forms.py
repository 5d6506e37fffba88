from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.roster.models import District, School
from schoolwell.roster.selectors import administered_schools

# A 50,000-student district exports a zip of ~15 MB; leave ample room, refuse the absurd.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class RosterImportForm(forms.Form):
    ONEROSTER = "oneroster"
    TEMPLATE = "template"

    format = forms.ChoiceField(
        label=_("File format"),
        choices=[
            (ONEROSTER, _("OneRoster 1.1 CSV export (.zip) from your student information system")),
            (TEMPLATE, _("SchoolWell roster template (.xlsx or .csv)")),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("Roster file"))
    district = forms.ModelChoiceField(
        label=_("District (OneRoster files)"), queryset=District.objects.none(), required=False
    )
    school = forms.ModelChoiceField(
        label=_("School (template files)"), queryset=School.objects.none(), required=False
    )
    dry_run = forms.BooleanField(label=_("Only check the file; save nothing"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices are only what the user administers: another district's or school's id is
        # refused as an invalid choice (rule 9).
        schools = administered_schools(user).select_related("district").order_by("name")
        district_ids = gate.district_ids(user)  # None: every district (a superuser)
        districts = (
            (
                District.objects.all()
                if district_ids is None
                else District.objects.filter(Q(schools__in=schools) | Q(pk__in=district_ids))
            )
            .distinct()
            .order_by("name")
        )
        self.fields["school"].queryset = schools
        self.fields["district"].queryset = districts
        if len(districts) == 1:
            self.fields["district"].initial = districts[0].pk
            self.fields["district"].empty_label = None
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        self.fields["format"].initial = self.ONEROSTER if len(schools) > 1 else self.TEMPLATE

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 200 MB."))
        if data.get("format") == self.TEMPLATE and not data.get("school"):
            self.add_error("school", _("Choose the school this template is for."))
        if data.get("format") == self.ONEROSTER and not data.get("district"):
            self.add_error("district", _("Choose the district this export is for."))
        return data
