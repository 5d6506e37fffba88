"""The intervention catalogue fixture: validated on load, synced idempotently."""

import json

import pytest
from django.core.management import call_command

from schoolwell.support.catalogue import CatalogueError, interventions_sync, read, validate
from schoolwell.support.models import Intervention, Tier

pytestmark = pytest.mark.django_db


def test_shipped_catalogue_has_about_twenty_entries_in_english_and_spanish():
    items = read()
    assert 18 <= len(items) <= 24
    assert {i["tier"] for i in items} == {Tier.TARGETED, Tier.INTENSIVE}
    for item in items:
        for field in ("name", "description", "dose"):
            assert item[field]["en"].strip() and item[field]["es"].strip()
            assert item[field]["en"] != item[field]["es"], (item["code"], field)


def test_load_is_idempotent_and_deactivates_what_the_file_dropped(tmp_path):
    count = interventions_sync()
    assert Intervention.objects.count() == count
    interventions_sync()
    assert Intervention.objects.count() == count
    data = json.loads(read.__defaults__[0].read_text(encoding="utf-8"))
    data["items"] = data["items"][1:]
    smaller = tmp_path / "interventions.json"
    smaller.write_text(json.dumps(data), encoding="utf-8")
    interventions_sync(path=smaller)
    assert Intervention.objects.count() == count  # kept: plans may point at it
    assert Intervention.objects.filter(active=False).count() == 1


def test_bad_entries_are_named_and_nothing_is_loaded(tmp_path):
    problems = validate(
        [
            {
                "code": "ok-one",
                "tier": 2,
                "name": {"en": "A", "es": "B"},
                "description": {"en": "d", "es": "d"},
                "dose": {"en": "x", "es": "y"},
            },
            {
                "code": "ok-one",
                "tier": 4,
                "name": {"en": "A"},
                "description": {"en": "d", "es": "d"},
                "dose": {"en": "x", "es": "y"},
                "extra": 1,
            },
        ]
    )
    text = "; ".join(problems)
    assert "duplicate code" in text and "tier must be" in text
    assert "name needs a text" in text and "unknown fields ['extra']" in text
    bad = tmp_path / "interventions.json"
    bad.write_text('{"items": [{"code": "Bad Code"}]}', encoding="utf-8")
    with pytest.raises(CatalogueError, match="Bad Code"):
        interventions_sync(path=bad)
    assert not Intervention.objects.exists()


def test_command_loads_the_catalogue(capsys):
    call_command("load_interventions")
    assert "loaded" in capsys.readouterr().out
    assert Intervention.objects.filter(code="check-in-check-out", tier=2).exists()
