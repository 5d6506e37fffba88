"""limit/offset pagination with a bounded page and a bounded offset (rule 9)."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

# Beyond any real list; a larger offset (up to 2**63) overflowed the database's OFFSET.
MAX_OFFSET = 10_000_000


class ApiPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)
