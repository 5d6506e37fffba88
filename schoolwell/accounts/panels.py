from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.roles import STAFF_ROLES
from schoolwell.core.registry import NavItem


def nav(scope) -> list[NavItem]:
    """Staff manage their own two-step sign-in (administrators reset colleagues' from there)."""
    if scope.roles & STAFF_ROLES:
        return [NavItem(_("Sign-in security"), "accounts:two_factor", order=95)]
    return []
