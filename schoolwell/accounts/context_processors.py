from schoolwell.accounts import gate
from schoolwell.accounts.roles import Role
from schoolwell.core.registry import nav_for


def roles(request):
    """Expose the user's roles and navigation (per role) to templates."""
    scope = gate.scope_of(request.user)
    return {
        "roles": {role.value for role in scope.roles},
        "Role": Role,
        "nav_items": nav_for(scope) if scope.roles else [],
    }
