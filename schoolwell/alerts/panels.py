"""What the alerts app adds to shared pages (registered in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.core.registry import NavItem


def nav(scope) -> list[NavItem]:
    items = []
    if gate.may(scope, "alerts.deliveries.view"):
        items.append(NavItem(_("Alert delivery"), "alerts:deliveries", 72))
    # People who receive referral alerts, and so have settings for them.
    if gate.may(scope, "alerts.receive"):
        items.append(NavItem(_("Notification settings"), "alerts:settings", 90))
    return items
