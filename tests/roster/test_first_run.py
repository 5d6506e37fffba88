"""A fresh install: create_district, or a OneRoster import that creates the district from
its orgs.csv when there is none yet."""

import pytest
from django.core.management import CommandError, call_command

from schoolwell.roster.models import District, School, Student


def test_import_into_a_fresh_install_creates_the_district(db, roster_files, make_zip, capsys):
    assert not District.objects.exists()
    call_command("import_roster", str(make_zip(roster_files)))
    out = capsys.readouterr().out
    district = District.objects.get()
    assert (district.code, district.name, district.sourced_id) == (
        "test-district",
        "Test District",
        "d1",
    )
    assert "created from orgs.csv" in out and "Roster imported." in out
    assert set(School.objects.values_list("district", flat=True)) == {district.pk}
    assert Student.objects.count() == 3
    # Re-importing finds the district (idempotent, no second district).
    call_command("import_roster", str(make_zip(roster_files)))
    assert District.objects.count() == 1


def test_identifier_gives_the_code(db, roster_files, make_zip):
    roster_files["orgs"][0]["identifier"] = "Riverside USD"
    call_command("import_roster", str(make_zip(roster_files)))
    assert District.objects.get().code == "riverside-usd"


def test_a_dry_run_or_a_bad_file_leaves_no_district(db, roster_files, make_zip, capsys):
    call_command("import_roster", str(make_zip(roster_files)), "--dry-run")
    assert not District.objects.exists()
    roster_files["users"][0]["grades"] = "Seventh"
    with pytest.raises(CommandError) as error:
        call_command("import_roster", str(make_zip(roster_files)))
    assert error.value.returncode == 2
    assert not District.objects.exists()


def test_a_file_without_its_district_row_is_refused(db, roster_files, make_zip, capsys):
    roster_files["orgs"] = [o for o in roster_files["orgs"] if o["type"] != "district"]
    for org in roster_files["orgs"]:
        org.pop("parentSourcedId", None)
    with pytest.raises(CommandError):
        call_command("import_roster", str(make_zip(roster_files)))
    assert "exactly one org of type district" in capsys.readouterr().err
    assert not District.objects.exists()


def test_more_than_one_district_still_needs_the_code(
    district, other_district, roster_files, make_zip
):
    with pytest.raises(CommandError, match="--district CODE is required"):
        call_command("import_roster", str(make_zip(roster_files)))


def test_create_district_command(db, capsys):
    call_command("create_district", "riverside", "Riverside Unified")
    assert District.objects.get().name == "Riverside Unified"
    assert "District riverside (Riverside Unified) created." in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_district", "riverside", "Again")
    with pytest.raises(CommandError, match="code"):
        call_command("create_district", "not a slug!", "Bad")
    assert District.objects.count() == 1


def test_commands_speak_english_whatever_language_is_active(db, roster_files, make_zip, capsys):
    from django.utils import translation

    roster_files["orgs"] = [o for o in roster_files["orgs"] if o["type"] != "district"]
    with translation.override("es"):
        call_command("create_district", "riverside", "Riverside Unified")
        with pytest.raises(CommandError, match="already exists"):
            call_command("create_district", "riverside", "Again")
        District.objects.all().delete()
        with pytest.raises(CommandError):
            call_command("import_roster", str(make_zip(roster_files)))
    assert "exactly one org of type district" in capsys.readouterr().err
