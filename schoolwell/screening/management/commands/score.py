"""``manage.py score CODE ANSWER... [--grade N] [--full]``: score answers and print JSON.

Answers are option values in form order: numbers for the rating scales, ``yes``/``no``/``refused``
for the ASQ (question 5 last and optional). ``na`` marks an unanswered item. Trailing optional
items (e.g. the PHQ-9 difficulty item) may be left off. Bad input exits with status 2 and a
one-line error on stderr.

    python manage.py score phq-a 0 0 0 0 0 0 0 0 1
    python manage.py score phq-a 0 0 0 0 0 0 0 0 0 na na yes
    python manage.py score srss-ie 0 0 0 2 0 0 0 1 1 1 0 0 --grade 6
    python manage.py score asq yes no no no no
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from schoolwell.screening import instruments
from schoolwell.screening.scoring import AnswerError, score

MISSING_TOKEN = "na"


def parse_answers(definition: Mapping[str, Any], tokens: Sequence[str]) -> list[Any]:
    """Turn command-line tokens into option values, by matching each option's printed value."""
    options = instruments.options_by_item(definition)
    parsed: list[Any] = []
    for position, (item, token) in enumerate(zip(definition["items"], tokens, strict=False), 1):
        if token.lower() == MISSING_TOKEN:
            parsed.append(None)
            continue
        values = [option["value"] for option in options[item["id"]]]
        match = [value for value in values if str(value).lower() == token.lower()]
        if not match:
            allowed = ", ".join(map(str, values))
            raise AnswerError(
                f"{definition['code']}: answer {position} ({item['id']}) is {token!r}; "
                f"allowed: {allowed} (or {MISSING_TOKEN} for unanswered)"
            )
        parsed.append(match[0])
    # Surplus tokens are passed through so score() reports the wrong count.
    return parsed + list(tokens[len(parsed) :])


def parse_grade(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise AnswerError(
            f"--grade must be a whole number 0–12 (0 = kindergarten), got {text!r}"
        ) from None


def run(code: str, tokens: Sequence[str], *, grade: str | None = None, full: bool = False) -> str:
    """The command's work without Django's command machinery: JSON text, or a ValueError/
    LookupError subclass (AnswerError, UnknownInstrumentError) describing the bad input."""
    definition = instruments.get(code)
    result = score(definition, parse_answers(definition, tokens), grade=parse_grade(grade))
    return json.dumps(result.to_dict(full=full), ensure_ascii=False, indent=2)


class Command(BaseCommand):
    help = (
        "Score screening answers given in form order and print the result as JSON. "
        f"Use '{MISSING_TOKEN}' for an unanswered item."
    )
    # Reads fixture files only: no database, so no system checks needed for scripts.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "code", help="instrument code, e.g. phq-9, phq-a, gad-7, who-5, srss-ie, psc-17, asq"
        )
        parser.add_argument(
            "answers", nargs="*", metavar="ANSWER", help="option values in form order"
        )
        # Parsed by run() rather than argparse so a bad value gets the same one-line error.
        parser.add_argument("--grade", help="student's grade, 0 (kindergarten) to 12")
        parser.add_argument(
            "--full", action="store_true", help="also print scaled scores, flags, missing items"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            output = run(
                options["code"], options["answers"], grade=options["grade"], full=options["full"]
            )
        except (AnswerError, instruments.UnknownInstrumentError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(output)
