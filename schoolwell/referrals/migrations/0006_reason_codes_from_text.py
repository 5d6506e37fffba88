"""Give reasons stored as English text their code and parameters, so they are shown in the
reader's language. The text stays as the fallback; a text that does not parse stays as it is.

Events are append-only (a trigger refuses updates): an old event's English reason texts are
matched to these reasons when shown (referrals.texts.event_text).
"""

import re

from django.db import migrations

CRITICAL = re.compile(r"^(?P<instrument>[\w-]+): critical answer")
TOTAL = re.compile(r"^(?P<instrument>[\w-]+) total (?P<total>-?\d+) \(≥ (?P<threshold>[\d.]+)\)$")
SUBSCALE = re.compile(
    r"^(?P<instrument>[\w-]+) (?P<subscale>\S+) (?P<score>[\d.]+) \(≥ (?P<threshold>[\d.]+)\)$"
)
BAND = re.compile(r"^(?P<instrument>[\w-]+)(?: (?P<subscale>\S+))? band: (?P<band>\S+)$")
LOW = re.compile(
    r"^(?P<count>\d+) check-ins ≤ (?P<threshold>[\d.]+) within (?P<days>\d+) school days$"
)
DROP = re.compile(r"^Wellbeing (?P<wellbeing>\d) vs 4-week baseline (?P<baseline>[\d.]+)$")
TAG_KEY = re.compile(r"^rule:\d+:tag:(?P<tag>.+)$")
RESULT_KEY = re.compile(r"^rule:\d+:result:(?P<result>\d+)$")


def _critical(apps, reason, found):
    from schoolwell.screening import instruments
    from schoolwell.screening.rules import evaluate, evidence

    params = {"instrument": found["instrument"], "items": []}
    key = RESULT_KEY.match(reason.trigger_key)
    ScreeningResult = apps.get_model("screening", "ScreeningResult")
    result = ScreeningResult.objects.filter(pk=key["result"]).first() if key else None
    try:
        definition = instruments.get(found["instrument"])
    except instruments.UnknownInstrumentError:
        definition = None
    if result is not None and definition is not None:
        answers = result.answers or {}
        for rule in definition["scoring"]["critical"]:
            if evaluate(rule["when"], answers):
                cited = evidence(rule["when"], answers)
                params["items"] += [[rule["key"], item, answers[item]] for item in cited] or [
                    [rule["key"], "", None]
                ]
    return params


def parse(apps, reason) -> tuple[str, dict] | None:
    text = reason.summary
    if reason.source == "manual" and reason.concern_code:
        return "concern", {"concern": reason.concern_code}
    if found := TAG_KEY.match(reason.trigger_key):
        return "concern_tag", {"tag": found["tag"]}
    if found := CRITICAL.match(text):
        return "critical", _critical(apps, reason, found)
    if found := TOTAL.match(text):
        return "score_total", {
            "instrument": found["instrument"],
            "total": int(found["total"]),
            "threshold": found["threshold"],
        }
    if found := BAND.match(text):
        return "band", {
            "instrument": found["instrument"],
            "subscale": found["subscale"] or "",
            "band": found["band"],
        }
    if found := SUBSCALE.match(text):
        return "subscale", dict(found.groupdict())
    if found := LOW.match(text):
        return "checkin_low", {
            "count": int(found["count"]),
            "threshold": found["threshold"],
            "days": int(found["days"]),
        }
    if found := DROP.match(text):
        return "checkin_drop", {
            "wellbeing": int(found["wellbeing"]),
            "baseline": found["baseline"],
        }
    return None


def forwards(apps, schema_editor):
    ReferralReason = apps.get_model("referrals", "ReferralReason")
    batch = []
    for reason in ReferralReason.objects.filter(code="").iterator(chunk_size=2000):
        found = parse(apps, reason)
        if found is None:
            continue
        reason.code, reason.params = found
        batch.append(reason)
        if len(batch) >= 2000:
            ReferralReason.objects.bulk_update(batch, ["code", "params"])
            batch = []
    if batch:
        ReferralReason.objects.bulk_update(batch, ["code", "params"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_reason_codes"),
        ("screening", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
