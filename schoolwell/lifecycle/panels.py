"""What the lifecycle app adds to shared pages (registered in apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from schoolwell.accounts import gate
from schoolwell.core.registry import ActionItem, NavItem, Panel
from schoolwell.lifecycle import selectors
from schoolwell.lifecycle.resources import resources_for

HOME_RESOURCES = 4


def nav(scope) -> list[NavItem]:
    items = [NavItem(_lazy("Family resources"), "lifecycle:resources", 80)]
    if gate.may(scope, "records.decide"):
        items.append(NavItem(_lazy("Family record requests"), "lifecycle:requests", 81))
        items.append(NavItem(_lazy("Records and retention"), "lifecycle:policy", 82))
    districts = gate.district_ids(scope)  # None: every district (a superuser)
    if districts is None or districts:
        items.append(NavItem(_lazy("Curate family resources"), "lifecycle:curate", 83))
    return items


def home_panel(request, scope) -> Panel | None:
    """For guardians: what the school holds about each child, and a few resources."""
    if not gate.may(scope, "student.guard"):
        return None
    from schoolwell.roster.selectors import guardian_children

    children = list(guardian_children(request.user).select_related("school"))
    resources = resources_for(request.user, audiences={"family"})[:HOME_RESOURCES]
    return Panel(
        "lifecycle/_home_panel.html", {"children": children, "resources": resources}, order=20
    )


def guardian_child_panel(request, student) -> Panel:
    """After a consent decision: what the school holds, and help for families."""
    resources = resources_for(request.user, audiences={"family"})[:HOME_RESOURCES]
    return Panel(
        "lifecycle/_child_panel.html", {"student": student, "resources": resources}, order=50
    )


def action_items(request, scope, today) -> list[ActionItem]:
    if not gate.may(scope, "records.decide"):
        return []
    items = [
        ActionItem(
            group=_("Family requests"),
            group_order=60,
            title=_("Correction requested"),
            url=reverse("lifecycle:request_decide", args=[r.pk]),
            student_id=r.student_id,
            student_name=r.student.display_name,
            when=r.created_at,
        )
        for r in selectors.pending_requests(request.user)[:20]
    ]
    items += [
        ActionItem(
            group=_("Family requests"),
            group_order=60,
            title=_("Erasure waiting for a second administrator"),
            url=reverse("lifecycle:policy"),
            student_id=e.student_id,
            student_name=e.student.display_name,
            when=e.requested_at,
        )
        for e in selectors.pending_erasures(request.user).exclude(requested_by=request.user)[:20]
    ]
    return items
