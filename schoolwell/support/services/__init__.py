"""Writes of support plans. Each service checks the gate (`support.plan.edit`), runs in one
transaction and leaves the plan consistent; views, the demo and hooks call them.

Split by concern: `plans` (plans, goals, interventions, reviews), `progress` (data points
and the screening/check-in hooks), `contacts`.
"""

from schoolwell.support.services._common import SupportError
from schoolwell.support.services.contacts import contact_log
from schoolwell.support.services.plans import (
    GoalInput,
    goal_add,
    goal_direction,
    plan_create,
    plan_intervention_add,
    review_decide,
)
from schoolwell.support.services.progress import (
    checkins_progress,
    progress_check_add,
    screening_result_progress,
)

__all__ = [
    "GoalInput",
    "SupportError",
    "checkins_progress",
    "contact_log",
    "goal_add",
    "goal_direction",
    "plan_create",
    "plan_intervention_add",
    "progress_check_add",
    "review_decide",
    "screening_result_progress",
]
