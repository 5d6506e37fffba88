"""What community coordination adds to shared pages (registered in apps.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from schoolwell.accounts import gate
from schoolwell.community import selectors
from schoolwell.community.services import REMIND_AFTER_DAYS
from schoolwell.core.registry import ActionItem, NavItem, Panel


def nav(scope) -> list[NavItem]:
    items = []
    if gate.may(scope, "community.directory"):
        items.append(NavItem(_lazy("Provider directory"), "community:directory", 72))
    if gate.may(scope, "community.agreements"):
        items.append(NavItem(_lazy("Data-sharing agreements"), "community:agreements", 73))
    if gate.may(scope, "community.training"):
        items.append(NavItem(_lazy("Staff training"), "community:training", 74))
    if gate.may(scope, "incident.respond"):
        items.append(NavItem(_lazy("Incidents"), "community:incidents", 75))
    return items


def referral_panel(request, referral) -> Panel | None:
    if not gate.may(request.user, "referral.view", referral):
        return None
    now = timezone.now()
    loops = selectors.referral_loops(referral)
    for loop in loops:
        loop.overdue = loop.state == "sent" and now - loop.created_at > dt.timedelta(
            days=REMIND_AFTER_DAYS
        )
    return Panel(
        "community/panel_referral.html",
        {
            "referral": referral,
            "loops": loops,
            # One provider at a time: another only once the open loop has closed.
            "may_refer": gate.may(request.user, "referral.work", referral)
            and referral.is_open
            and referral.assignee_id == request.user.pk
            and all(loop.state == "closed" for loop in loops),
            "may_reissue": gate.may(request.user, "referral.work", referral)
            and referral.assignee_id == request.user.pk,
        },
        35,
    )


def family_panel(request, scope) -> Panel | None:
    """A guardian's home: their children referred to a community provider."""
    if not scope.is_guardian:
        return None
    children = list(selectors.children_referred_out(request.user))
    if not children:
        return None
    return Panel("community/panel_home_family.html", {"children": children}, 60)


def home_panel(request, scope) -> Panel | None:
    if not gate.may(scope, "community.training"):
        return None
    return Panel(
        "community/panel_home_admin.html",
        {"coverage": selectors.training_coverage(request.user, timezone.localdate())},
        60,
    )


def action_items(request, scope, today: dt.date) -> list[ActionItem]:
    if not gate.may(scope, "community.agreements"):
        return []
    return [
        ActionItem(
            group=_("Agreements"),
            group_order=60,
            title=_("Data-sharing agreement expires: %(provider)s") % {"provider": a.provider.name},
            url=reverse("community:agreements"),
            when=a.expires_on,
            badge="overdue" if (a.expires_on - today).days <= 14 else "",
        )
        for a in selectors.expiring_agreements(request.user, today)[:10]
    ]
