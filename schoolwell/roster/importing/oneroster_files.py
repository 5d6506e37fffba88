"""The OneRoster zip: its manifest, and each CSV file as a stream of parsed rows."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ErrorLog, ImportRejected
from schoolwell.roster.importing.limits import open_member
from schoolwell.roster.importing.oneroster_rows import FILES, REQUIRED_FILES
from schoolwell.roster.importing.parsing import csv_rows, text_stream, zip_members
from schoolwell.roster.importing.rowreader import RowReader

MANIFEST = "manifest.csv"
VERSIONS = {"1.0", "1.1", "1.2"}
MODES = {"bulk", "delta", "absent"}


@dataclass
class OneRosterZip:
    archive: zipfile.ZipFile
    members: dict[str, str]
    # file name → "bulk" | "delta" | "absent" (an absent file is read as empty)
    modes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, archive: zipfile.ZipFile, errors: ErrorLog) -> OneRosterZip:
        found = cls(archive, zip_members(archive))
        found._read_manifest(errors)
        return found

    def _read_manifest(self, errors: ErrorLog) -> None:
        if MANIFEST not in self.members:
            raise ImportRejected.single(
                _("This zip has no manifest.csv, so it is not a OneRoster CSV export."), MANIFEST
            )
        props = {}
        with open_member(self.archive, self.members[MANIFEST]) as raw:
            for number, row in csv_rows(
                text_stream(raw),
                file=MANIFEST,
                columns=("propertyName", "value"),
                required=("propertyName", "value"),
                errors=errors,
            ):
                props[row["propertyName"]] = (number, row["value"])
        errors.raise_if_any()
        number, version = props.get("oneroster.version", (None, ""))
        if version not in VERSIONS:
            errors.add(
                MANIFEST,
                number,
                "oneroster.version",
                _("Unsupported OneRoster version “%(value)s” (1.1 is expected).")
                % {"value": version},
            )
        for name, spec in FILES.items():
            number, mode = props.get(f"file.{name}", (None, ""))
            mode = mode.lower()
            present = spec.filename.lower() in self.members
            if mode and mode not in MODES:
                errors.add(MANIFEST, number, f"file.{name}", _("Use bulk, delta or absent."))
            elif mode == "absent" and present:
                errors.add(
                    MANIFEST,
                    number,
                    f"file.{name}",
                    _("The manifest says %(file)s is absent, but the zip contains it.")
                    % {"file": spec.filename},
                )
            elif mode == "absent" or (not present and not mode and name not in REQUIRED_FILES):
                self.modes[name] = "absent"
            elif not present:
                errors.add(spec.filename, None, "", _("This required file is missing."))
            else:
                self.modes[name] = mode or "bulk"

    def has(self, name: str) -> bool:
        return self.modes.get(name, "absent") != "absent"

    def is_bulk(self, name: str) -> bool:
        return self.modes.get(name) == "bulk"

    def header(self, name: str) -> set[str]:
        """The known columns the file has (some are optional and must not be blanked)."""
        if not self.has(name):
            return set()
        known = {column.lower(): column for column in FILES[name].columns}
        with open_member(self.archive, self.members[FILES[name].filename.lower()]) as raw:
            first = next(csv.reader(text_stream(raw)), [])
        return {known[t.strip().lower()] for t in first if t.strip().lower() in known}

    def rows(self, name: str, errors: ErrorLog) -> Iterator[RowReader]:
        """Stream the file's rows; a missing required column is reported and yields none."""
        if not self.has(name):
            return
        spec = FILES[name]
        with open_member(self.archive, self.members[spec.filename.lower()]) as raw:
            for number, row in csv_rows(
                text_stream(raw),
                file=spec.filename,
                columns=spec.columns,
                required=spec.required,
                errors=errors,
            ):
                yield RowReader(errors, spec.filename, number, row)
