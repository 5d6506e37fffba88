"""Batched, counted upserts shared by both import formats.

Each batch costs at most two queries: one to read the rows already there (to count
created / updated / unchanged, so a re-import reports zero changes) and one
`bulk_create(update_conflicts=True)` for the new and changed rows, whose ids come back
from its RETURNING clause (SQLite ≥ 3.35 and PostgreSQL) instead of a second read.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import DatabaseError, models
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ImportRejected, KindCounts

logger = logging.getLogger(__name__)


def unusable_password() -> str:
    """What make_password(None) stores, at a fraction of its cost for 75,000 guardians:
    imported people choose their own password through "forgot password"."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


@contextmanager
def guarded_write() -> Iterator[None]:
    """A database refusal during the write pass (something pass 1 could not foresee, such
    as a concurrent edit) rejects the file like any other error: a 4xx, never a 500 (rule 9).
    The caller's transaction rolls everything back."""
    try:
        yield
    except DatabaseError:
        logger.exception("roster import refused by the database")
        raise ImportRejected.single(
            _(
                "The database refused the import (the roster may have changed meanwhile); "
                "nothing was saved. Please try again."
            )
        ) from None


class Upserter:
    """Rows come as dicts keyed by attname (`school_id`, not `school`): model instances are
    only built for the rows that are new or changed, which a re-import has none of."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        key: tuple[str, ...],
        fields: tuple[str, ...],
        counts: KindCounts,
        active_field: str | None = None,
        on_create: dict[str, Callable[[], Any]] | None = None,
    ) -> None:
        self.model = model
        self.key = key
        self.fields = fields
        self.counts = counts
        self.on_create = on_create or {}
        attname = {f: model._meta.get_field(f).attname for f in (*key, *fields)}
        self.key_attnames = tuple(attname[f] for f in key)
        self.field_attnames = tuple(attname[f] for f in fields)
        self.active_field = active_field

    def _existing(self, keys: Iterable[tuple]) -> dict[tuple, dict]:
        keys = set(keys)
        if not keys:
            return {}
        filters = {f"{f}__in": {k[i] for k in keys} for i, f in enumerate(self.key_attnames)}
        rows = self.model.objects.filter(**filters).values(
            "pk", *self.key_attnames, *self.field_attnames
        )
        found = {}
        for row in rows:
            k = tuple(row[f] for f in self.key_attnames)
            if k in keys:  # several key fields: the IN filters over-fetch a little
                found[k] = row
        return found

    def write(self, rows: Iterable[dict[str, Any]]) -> dict[Hashable, int]:
        """Create or update `rows`; returns key → pk (a one-field key unwrapped)."""
        batch: dict[tuple, dict] = {}
        for row in rows:
            batch.setdefault(tuple(row[f] for f in self.key_attnames), row)
        existing = self._existing(batch)
        to_write = []
        for k, row in batch.items():
            old = existing.get(k)
            if old is None:
                self.counts.created += 1
                row = {**row, **{f: make() for f, make in self.on_create.items()}}
            elif all(old[f] == row[f] for f in self.field_attnames):
                self.counts.unchanged += 1
                continue
            elif self.active_field and old[self.active_field] and not row[self.active_field]:
                self.counts.deactivated += 1
            else:
                self.counts.updated += 1
            to_write.append(self.model(**row))
        if to_write:
            self.model.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=self.key,
                update_fields=self.fields,
            )
        ids = {k: row["pk"] for k, row in existing.items()}
        for obj in to_write:
            if obj.pk is not None:
                ids.setdefault(tuple(getattr(obj, f) for f in self.key_attnames), obj.pk)
        if len(ids) < len(batch):  # a database that returns no ids from a bulk insert
            new_keys = [k for k in batch if k not in ids]
            ids.update((k, row["pk"]) for k, row in self._existing(new_keys).items())
        if len(self.key) == 1:
            return {k[0]: pk for k, pk in ids.items()}
        return ids
