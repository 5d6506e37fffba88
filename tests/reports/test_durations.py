"""Durations in words, in the reader's language (issue 12: "336.0 h", "1 hours")."""

import pytest
from django.utils import translation

from schoolwell.reports.durations import humanise_hours


@pytest.mark.parametrize(
    "hours, english, spanish",
    [
        (336.0, "14 days", "14 días"),
        (1.0, "1 hour", "1 hora"),
        (6.4, "6 hours", "6 horas"),
        (0.5, "30 minutes", "30 minutos"),
        (48, "2 days", "2 días"),
    ],
)
def test_durations_read_as_words(hours, english, spanish):
    with translation.override("en"):
        assert humanise_hours(hours) == english
    with translation.override("es"):
        assert humanise_hours(hours) == spanish
