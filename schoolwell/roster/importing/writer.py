"""Batched, counted upserts shared by both import formats.

Each batch costs a constant number of queries: one to read the rows already there (to
count created / updated / unchanged, so a re-import reports zero changes), one
`bulk_create(update_conflicts=True)` for the new and changed rows (SQLite and PostgreSQL),
and one to read the ids of the new rows.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, models
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ImportRejected, KindCounts

logger = logging.getLogger(__name__)


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
    def __init__(
        self,
        model: type[models.Model],
        *,
        key: tuple[str, ...],
        fields: tuple[str, ...],
        counts: KindCounts,
        active_field: str | None = None,
    ) -> None:
        self.model = model
        self.key = key
        self.fields = fields
        self.counts = counts
        self.active_field = active_field
        self._attname = {f: model._meta.get_field(f).attname for f in (*key, *fields)}

    def _key_of(self, obj) -> tuple:
        return tuple(getattr(obj, self._attname[f]) for f in self.key)

    def _existing(self, keys: Iterable[tuple]) -> dict[tuple, dict]:
        keys = set(keys)
        if not keys:
            return {}
        filters = {f"{f}__in": {k[i] for k in keys} for i, f in enumerate(self.key)}
        rows = self.model.objects.filter(**filters).values("pk", *self.key, *self.fields)
        found = {}
        for row in rows:
            k = tuple(row[f] for f in self.key)
            if k in keys:  # several key fields: the IN filters over-fetch a little
                found[k] = row
        return found

    def write(self, objs: Iterable[models.Model]) -> dict[Hashable, int]:
        """Create or update `objs` (pk unset); returns key → pk (a 1-field key unwrapped)."""
        batch: dict[tuple, models.Model] = {}
        for obj in objs:
            batch.setdefault(self._key_of(obj), obj)
        existing = self._existing(batch)
        to_write = []
        for k, obj in batch.items():
            old = existing.get(k)
            if old is None:
                self.counts.created += 1
            elif all(old[f] == getattr(obj, self._attname[f]) for f in self.fields):
                self.counts.unchanged += 1
                continue
            elif (
                self.active_field and old[self.active_field] and not getattr(obj, self.active_field)
            ):
                self.counts.deactivated += 1
            else:
                self.counts.updated += 1
            to_write.append(obj)
        if to_write:
            self.model.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=self.key,
                update_fields=self.fields,
            )
        ids = {k: row["pk"] for k, row in existing.items()}
        if len(ids) < len(batch):
            ids.update(
                (k, row["pk"])
                for k, row in self._existing(k for k in batch if k not in ids).items()
            )
        if len(self.key) == 1:
            return {k[0]: pk for k, pk in ids.items()}
        return ids
