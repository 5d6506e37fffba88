"""What the alerts app adds to shared pages (registered in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.roles import Role
from schoolwell.core.registry import NavItem

# People who receive referral alerts and so have settings for them.
ALERTED_ROLES = frozenset({Role.COUNSELLOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})


def nav(scope) -> list[NavItem]:
    items = []
    if scope.administered_school_ids:
        items.append(NavItem(_("Alert delivery"), "alerts:deliveries", 72))
    if scope.roles & ALERTED_ROLES:
        items.append(NavItem(_("Notification settings"), "alerts:settings", 90))
    return items
