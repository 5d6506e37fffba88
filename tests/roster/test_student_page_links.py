"""The staff student page links only to pages its reader may open (no dead-end 404s)."""

import pytest
from django.urls import reverse

from tests.conftest import enroll

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "links_disclosures"),
    [("teacher", False), ("counsellor", False), ("school_admin", True), ("district_admin", True)],
)
def test_disclosure_link_only_for_those_who_may_open_it(
    request, client_for, student_a, persona, links_disclosures
):
    client = client_for(request.getfixturevalue(persona))
    html = client.get(reverse("roster:student_detail", args=[student_a.pk])).content.decode()
    url = reverse("audit:disclosures", args=[student_a.pk])
    assert (url in html) is links_disclosures
    if links_disclosures:
        assert client.get(url).status_code == 200


def test_teacher_sees_other_classes_unlinked(client_for, teacher, student_a, class_a, class_a2):
    enroll(student_a, class_a2)  # a class the teacher does not teach
    html = (
        client_for(teacher)
        .get(reverse("roster:student_detail", args=[student_a.pk]))
        .content.decode()
    )
    assert reverse("roster:class_detail", args=[class_a.pk]) in html
    assert reverse("roster:class_detail", args=[class_a2.pk]) not in html
    assert class_a2.title in html
