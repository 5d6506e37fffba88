"""The shipped content: twenty coping skills (EN/ES, every feeling in every grade band)
and the reviewed crisis phrases, matched case- and accent-folded on whole words."""

import copy
import json

import pytest

from schoolwell.voice import content
from schoolwell.voice.models import Feeling, GradeBand


def _data():
    with (content.FIXTURES / "coping_skills.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def test_twenty_skills_cover_every_feeling_and_band():
    skills = content.coping_skills()
    assert len(skills) == 20
    for feeling in Feeling.values:
        for band in GradeBand.values:
            skill = content.skill_for(feeling=feeling, band=band)
            assert feeling in skill.feelings and band in skill.grade_bands
            assert skill.in_language("es")["title"] != skill.in_language("en")["title"] or (
                skill.slug == "five-senses"
            )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][0].update(slug="Bad Slug"), "slug"),
        (lambda d: d["items"][1].update(slug=d["items"][0]["slug"]), "twice"),
        (lambda d: d["items"][0].update(feelings=["grumpy"]), "feelings"),
        (lambda d: d["items"][0]["title"].pop("es"), "title.es"),
        (lambda d: d["items"][0]["steps"]["es"].pop(), "differ"),
        (
            lambda d: d.update(items=[i for i in d["items"] if "scared" not in i["feelings"]]),
            "no skill",
        ),
    ],
)
def test_a_broken_skills_file_is_refused_with_its_place(change, message):
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(content.ContentError, match=message):
        content.validate_skills(data)


@pytest.mark.parametrize(
    "text",
    [
        "Sometimes I WANT TO DIE",
        "quiero morirme",
        "Quiero morirme.",
        "alguien me lastima en casa",
        "i am thinking about suicide",
        "Me tocó un señor",
    ],
)
def test_crisis_phrases_match_in_any_case_and_accents(text):
    assert content.message_is_crisis(text)


@pytest.mark.parametrize(
    "text", ["", "I want to diet", "my team killed it today", "suicidesquad movie", "me toca jugar"]
)
def test_ordinary_messages_are_not_crisis(text):
    assert not content.message_is_crisis(text)


def test_a_phrase_list_without_a_language_is_refused():
    with pytest.raises(content.ContentError, match="'es'"):
        content.validate_phrases({"en": ["kill myself"]})
