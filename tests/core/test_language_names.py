from django.template import Context, Template
from django.utils import translation


def render(codes) -> str:
    return Template("{% load schoolwell %}{{ codes|language_names }}").render(
        Context({"codes": codes})
    )


def test_codes_are_shown_as_language_names_each_in_itself():
    for reader in ("en", "es"):
        with translation.override(reader):
            assert render(["en", "es", "fr"]) == "English, español, français"


def test_an_unknown_code_is_shown_as_it_is_and_nothing_renders_empty():
    with translation.override("en"):
        assert render(["en", "zz-unknown"]) == "English, zz-unknown"
        assert render([]) == ""
        assert render(None) == ""
