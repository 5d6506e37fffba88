"""Phone numbers staff tap to call in a crisis (rule 4): one validator, one `tel:` form.

Numbers are kept as the school typed them ("(555) 010-2000", "988") and turned into a
`tel:` URI for the link, so a short local line and an international number both work.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_MAX = 32
_ALLOWED = re.compile(r"^\+?[0-9 ().-]+$")


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not _ALLOWED.match(value) or not 3 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number of 3 to 15 digits, e.g. 988 or +1 555 010 2000."),
            code="phone",
        )


def tel_uri(value: str) -> str:
    """'+1 (555) 010-2000' → 'tel:+15550102000'; '' for no number."""
    digits = re.sub(r"\D", "", value or "")
    if not digits:
        return ""
    return "tel:" + ("+" if value.strip().startswith("+") else "") + digits
