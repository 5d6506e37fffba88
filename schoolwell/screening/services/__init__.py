"""Writes of the screening app. Each service is one transaction and fires the registry
hooks (`core.registry.screening_result_hooks`, `checkin_hooks`) inside it, so threshold
rules see exactly what was committed."""

from schoolwell.screening.services.catalogue import (
    concern_tag_set,
    concern_tags_sync,
    crisis_plans_sync,
    instrument_sync,
)
from schoolwell.screening.services.checkins import CheckInEntry, checkins_record
from schoolwell.screening.services.crisis import crisis_plan_set
from schoolwell.screening.services.errors import ScreeningInputError
from schoolwell.screening.services.results import (
    grid_draft_save,
    screening_result_record,
    screening_results_mark_consent_revoked,
    screening_results_record_class,
)
from schoolwell.screening.services.selfreport import (
    kiosk_session_end,
    kiosk_session_start,
    selfreport_answer,
    selfreport_finish,
    selfreport_link_claim,
    selfreport_link_create,
)
from schoolwell.screening.services.windows import (
    screening_window_end,
    screening_window_open,
    screening_window_update,
)

__all__ = [
    "CheckInEntry",
    "ScreeningInputError",
    "checkins_record",
    "concern_tag_set",
    "concern_tags_sync",
    "crisis_plan_set",
    "crisis_plans_sync",
    "grid_draft_save",
    "instrument_sync",
    "kiosk_session_end",
    "kiosk_session_start",
    "screening_result_record",
    "screening_results_mark_consent_revoked",
    "screening_results_record_class",
    "screening_window_end",
    "screening_window_open",
    "screening_window_update",
    "selfreport_answer",
    "selfreport_finish",
    "selfreport_link_claim",
    "selfreport_link_create",
]
