"""The upload page, the blank template download and the import_roster command."""

# ruff: noqa: E501

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from schoolwell.roster.models import School, Student
from schoolwell.roster.services import district_admin_add
from tests.conftest import make_user
from tests.roster.conftest import template_rows

URL = reverse("roster:import")


def post(client, path, **data):
    with open(path, "rb") as upload:
        return client.post(URL, {"file": upload, **data})


def test_school_admin_imports_a_template(client_for, school_admin, school_a, make_template):
    client = client_for(school_admin)
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Download the template" in page.content

    response = post(client, make_template(template_rows()), format="template", school=school_a.pk)

    assert response.status_code == 200
    assert b"Roster imported" in response.content
    assert Student.objects.filter(school=school_a, local_id="1001").exists()


def test_district_admin_imports_oneroster(
    client_for, district_admin, district, roster_files, make_zip
):
    response = post(
        client_for(district_admin), make_zip(roster_files), format="oneroster", district=district.pk
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert b"Roster imported" in response.content
    assert Student.objects.filter(sourced_id="st1").exists()


def test_dry_run_saves_nothing(
    client_for, district_admin, district, roster_files, make_zip, table_counts
):
    before = table_counts()
    response = post(
        client_for(district_admin),
        make_zip(roster_files),
        format="oneroster",
        district=district.pk,
        dry_run="on",
    )
    assert response.status_code == 200
    assert b"nothing was saved" in response.content
    assert table_counts() == before


def test_bad_file_shows_every_error_and_changes_nothing(
    client_for, district_admin, district, roster_files, make_zip, table_counts
):
    roster_files["enrollments"][1]["classSourcedId"] = "k9"
    roster_files["users"][2]["grades"] = "Seventh"
    before = table_counts()

    response = post(
        client_for(district_admin), make_zip(roster_files), format="oneroster", district=district.pk
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not imported: 2 problems found" in html
    assert (
        '>enrollments.csv</td><td class="num" data-label="Row">3</td><td data-label="Column">classSourcedId</td>'
        in html
    )
    assert (
        '>users.csv</td><td class="num" data-label="Row">4</td><td data-label="Column">grades</td>'
        in html
    )
    assert table_counts() == before


def test_not_a_zip_is_a_clear_400(client_for, district_admin, district, tmp_path):
    path = tmp_path / "roster.zip"
    path.write_bytes(b"\x00\x01 not a zip")
    response = post(client_for(district_admin), path, format="oneroster", district=district.pk)
    assert response.status_code == 400
    assert b"not a zip archive" in response.content


def test_template_needs_a_school(client_for, district_admin, make_template):
    response = post(client_for(district_admin), make_template(template_rows()), format="template")
    assert response.status_code == 400
    assert b"Choose the school this template is for." in response.content


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "outsider"])
def test_other_roles_are_refused(
    request, client_for, persona, school_a, make_template, table_counts
):
    client = client_for(request.getfixturevalue(persona))
    before = table_counts()
    assert client.get(URL).status_code == 403
    assert (
        post(
            client, make_template(template_rows()), format="template", school=school_a.pk
        ).status_code
        == 403
    )
    assert client.get(reverse("roster:import_template")).status_code == 403
    assert table_counts() == before


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_school_admin_cannot_import_into_another_school(
    client_for, school_admin, school_b, make_template, table_counts
):
    before = table_counts()
    response = post(
        client_for(school_admin),
        make_template(template_rows()),
        format="template",
        school=school_b.pk,
    )
    assert response.status_code == 400
    assert table_counts() == before


def test_another_districts_admin_cannot_import_here(
    client_for,
    other_district,
    school_x,
    district,
    school_a,
    roster_files,
    make_zip,
    make_template,
    table_counts,
):
    admin_x = make_user("admin_x")
    district_admin_add(district=other_district, user=admin_x)
    client = client_for(admin_x)
    before = table_counts()

    as_template = post(
        client, make_template(template_rows()), format="template", school=school_a.pk
    )
    as_oneroster = post(client, make_zip(roster_files), format="oneroster", district=district.pk)

    assert (as_template.status_code, as_oneroster.status_code) == (400, 400)
    assert b"Select a valid choice" in as_oneroster.content
    assert table_counts() == before
    # Into their own district, this district's school (by sourcedId) is refused.
    school_a.sourced_id = "s1"
    school_a.save()
    refused = post(client, make_zip(roster_files), format="oneroster", district=other_district.pk)
    assert refused.status_code == 400
    assert b"This school belongs to another district." in refused.content
    assert table_counts() == before


def test_blank_template_download(client_for, school_admin):
    client = client_for(school_admin)
    xlsx = client.get(reverse("roster:import_template"))
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Roster", "Instructions"]
    csv = client.get(reverse("roster:import_template") + "?format=csv")
    assert csv.content.decode().startswith("student_id,given_name,family_name")


def test_nav_item_only_for_administrators(client_for, school_admin, teacher):
    assert b'href="/roster/import/"' in client_for(school_admin).get("/").content
    assert b'href="/roster/import/"' not in client_for(teacher).get("/").content


def test_command_imports_and_summarises(district, roster_files, make_zip, capsys):
    call_command("import_roster", str(make_zip(roster_files)), "--district", district.code)
    out = capsys.readouterr().out
    assert "Roster imported." in out
    assert any(line.split()[:2] == ["Students", "3"] for line in out.splitlines())
    assert Student.objects.count() == 3


def test_command_dry_run_and_template(school_a, make_template, capsys):
    call_command(
        "import_roster", str(make_template(template_rows())), "--school", school_a.code, "--dry-run"
    )
    assert "Dry run: nothing was saved." in capsys.readouterr().out
    assert not Student.objects.exists()


def test_command_exits_2_on_a_bad_file(district, roster_files, make_zip, capsys, table_counts):
    roster_files["users"][0]["grades"] = "Seventh"
    before = table_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_roster", str(make_zip(roster_files)), "--district", district.code)
    assert error.value.returncode == 2
    assert "users.csv, row 2, grades: “Seventh” is not a grade" in capsys.readouterr().err
    assert table_counts() == before
    assert not School.objects.filter(sourced_id="s1").exists()


def test_page_and_errors_in_spanish(client_for, school_admin, school_a, make_template):
    rows = template_rows()
    rows[0]["grade"] = "Séptimo"
    with open(make_template(rows), "rb") as upload:
        response = client_for(school_admin).post(
            URL,
            {"file": upload, "format": "template", "school": school_a.pk},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    html = response.content.decode()
    assert "Importar listas" in html
    assert "No se importó el archivo: se encontró 1 problema" in html
    assert "“Séptimo” no es un grado (use PK, KG o 01–12)." in html
