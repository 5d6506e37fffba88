"""The disclosure record names what was seen in the reader's language (issue 12)."""

from django.utils import translation

from schoolwell.audit.texts import what_label


def test_stored_codes_read_in_spanish():
    with translation.override("es"):
        assert what_label("referral queue") == "cola de derivaciones"
        assert what_label("student timeline") == "cronología del estudiante"
        assert what_label("timeline chart") == "gráfico de la cronología"
        assert what_label("export: roster") == "exportación: Lista de estudiantes"
        assert what_label("screening results: phq-a") == "resultados de evaluación: phq-a"
    with translation.override("en"):
        assert what_label("export: roster") == "export: Roster"


def test_an_unknown_code_is_shown_as_stored():
    with translation.override("es"):
        assert what_label("something new") == "something new"
