"""Row-level import errors and the result of an import.

A bad file is rejected whole (rule 9): the validation pass collects every error it finds as
`file, row, column: message`, and the import raises `ImportRejected` before writing anything.
Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# The first errors are kept for display; the rest are only counted (a broken 300,000-row
# file must not fill memory with messages nobody will read).
MAX_ERRORS_KEPT = 200


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.file, f"row {self.row}" if self.row else "", self.column) if part
        )
        return f"{where}: {self.message}" if where else str(self.message)


class ErrorLog:
    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0

    def add(self, file: str, row: int | None, column: str, message) -> None:
        self.total += 1
        if len(self.kept) < MAX_ERRORS_KEPT:
            self.kept.append(RowError(file, row, column, str(message)))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            # Files in the order they were read, rows in file order within each.
            files = {e.file: index for index, e in reversed(list(enumerate(self.kept)))}
            kept = sorted(self.kept, key=lambda e: (files[e.file], e.row or 0))
            raise ImportRejected(kept, self.total)


class ImportRejected(Exception):
    """The file was refused; nothing was written. `errors` holds the first ones found."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = len(errors) if total is None else total
        super().__init__(f"{self.total} error(s); first: {errors[0] if errors else '-'}")

    @property
    def not_shown(self) -> int:
        return self.total - len(self.errors)

    @classmethod
    def single(cls, message, file: str = "", row: int | None = None, column: str = ""):
        return cls([RowError(file, row, column, str(message))])


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    # Bulk files only: rows already in SchoolWell, in the imported schools, that the file
    # did not mention. They are left as they are (never deleted) and reported.
    absent: int | None = None

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deactivated


KIND_LABELS = {
    "schools": _("Schools"),
    "terms": _("Academic terms"),
    "classes": _("Classes"),
    "students": _("Students"),
    "teachers": _("Teachers"),
    "administrators": _("Administrators"),
    "guardians": _("Guardians"),
    "enrollments": _("Enrollments"),
    "teaching": _("Teaching assignments"),
    "admin_roles": _("Administrator roles"),
    "guardian_links": _("Guardian links"),
}


@dataclass
class ImportResult:
    format: str
    dry_run: bool = False
    counts: dict[str, KindCounts] = field(default_factory=dict)

    def kind(self, name: str) -> KindCounts:
        return self.counts.setdefault(name, KindCounts())

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.counts.values())

    def rows(self) -> list[tuple[str, str, KindCounts]]:
        """(kind, label, counts) in a stable order, for the page and the command."""
        return [
            (name, KIND_LABELS[name], self.counts[name])
            for name in KIND_LABELS
            if name in self.counts
        ]

    def log_line(self) -> str:
        """Counts only — never names — for the server log."""
        parts = [
            f"{name} +{c.created} ~{c.updated} -{c.deactivated} ={c.unchanged}"
            for name, _label, c in self.rows()
        ]
        return ("dry run; " if self.dry_run else "") + ", ".join(parts)
