from schoolwell.accounts.roles import Role, access_scope
from schoolwell.core.registry import nav_for


def roles(request):
    """Expose the user's roles and navigation (per role) to templates."""
    scope = access_scope(request.user)
    return {
        "roles": {role.value for role in scope.roles},
        "Role": Role,
        "nav_items": nav_for(scope) if scope.roles else [],
    }
