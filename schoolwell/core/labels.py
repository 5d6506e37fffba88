"""Choice labels put into words once per page.

`get_FOO_display` hashes every lazy label of the field's choices (a translation each) at
every call: on list pages that cost more than the queries. A page asks for a field's labels
once and looks each row's value up.
"""

from __future__ import annotations

from collections.abc import Iterable


def choice_labels(choices: Iterable[tuple[object, object]]) -> dict:
    """{value: label in the active language}, from `Model.Choices.choices` or a field's
    `flatchoices`."""
    return {value: str(label) for value, label in choices}
