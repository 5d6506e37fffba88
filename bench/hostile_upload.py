"""Benchmark: how fast, and in how much memory, hostile roster files are refused (issue 10).

    .venv/bin/python bench/hostile_upload.py [--xlsx-gb 1.2] [--zip-gb 1.9] [--keep]

Generates, streaming (never in memory):
  * a roster template XLSX whose worksheet expands to ~1.2 GB (a few MB on disk), and
  * a OneRoster zip whose users.csv expands to ~1.9 GB (under main's old 2 GiB limit),
each also with its central directory rewritten to claim 10 bytes per member (headers lie).
Then imports each, as a school or district administrator would, in a forked child of a
process with Django loaded, against a throwaway SQLite database, and prints the time to
refuse, the message and the child's peak RSS. Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import struct
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 4 * 1024 * 1024

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _inline_row(values: list[str]) -> bytes:
    # Rows and cells without r= are legal (positions follow on), so every row is identical
    # and deflate packs them ~300:1, as a real bomb does.
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>".encode()


def _stream_member(
    archive: zipfile.ZipFile, name: str, head: bytes, row: bytes, size: int, tail: bytes
) -> None:
    block = row * max(1, CHUNK // len(row))
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(head)
        written = len(head)
        while written < size:
            member.write(block)
            written += len(block)
        member.write(tail)


def make_xlsx_bomb(path: Path, size: int) -> None:
    """A real template workbook, its worksheet replaced by one of `size` bytes."""
    from openpyxl import Workbook

    from schoolwell.roster.importing.template_columns import COLUMN_NAMES, SHEET

    small = path.with_suffix(".small.xlsx")
    book = Workbook()
    book.active.title = SHEET
    book.active.append(list(COLUMN_NAMES))
    book.save(small)
    row = _inline_row(["1001", "Ana", "Lopez", "", "7", "", "", "ADV7A", "Advisory 7-A"])
    header = _inline_row(list(COLUMN_NAMES))
    with (
        zipfile.ZipFile(small) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                _stream_member(out, info.filename, SHEET_HEAD + header, row, size, SHEET_TAIL)
            else:
                out.writestr(info, source.read(info))
    small.unlink()


def make_zip_bomb(path: Path, size: int) -> None:
    manifest = "propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,1.1\r\n" + "".join(
        f"file.{name},{'bulk' if name in ('orgs', 'users') else 'absent'}\r\n"
        for name in (
            "academicSessions",
            "categories",
            "classes",
            "classResources",
            "courseResources",
            "courses",
            "demographics",
            "enrollments",
            "lineItems",
            "orgs",
            "resources",
            "results",
            "users",
        )
    )
    head = (
        b"sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,"
        b"givenName,familyName,identifier\r\n"
    )
    row = b"u1,,,true,s1,student,,Ana,Lopez,1001\r\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("manifest.csv", manifest)
        out.writestr(
            "orgs.csv",
            "sourcedId,status,dateLastModified,name,type\r\ns1,,,Bench School,school\r\n",
        )
        _stream_member(out, "users.csv", head, row, size, b"")


def understate_sizes(path: Path, target: Path) -> None:
    """Copy `path` with its large members' central-directory entries claiming 10 bytes
    uncompressed (the zip64 extra field too), so only counting while streaming can find the
    truth. The bombs are a few MB on disk, so the copy is made in memory."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length, extra_length = struct.unpack_from("<HH", data, at + 28)
        extra = at + 46 + name_length
        end = extra + extra_length
        while extra + 4 <= end:
            tag, length = struct.unpack_from("<HH", data, extra)
            # zip64: the uncompressed size comes first
            if tag == 1 and length >= 8 and struct.unpack_from("<Q", data, extra + 4)[0] > 2**20:
                struct.pack_into("<Q", data, extra + 4, 10)
                struct.pack_into("<I", data, at + 24, 10)
            extra += 4 + length
        at = data.find(b"PK\x01\x02", at + 4)
    target.write_bytes(bytes(data))


def refuse_in_child(label: str, run) -> None:
    """Run the import in a forked child; report wall time, outcome and the child's peak RSS."""
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            run()
            outcome = "ACCEPTED (!)"
        except Exception as exc:  # noqa: BLE001 — the bench reports whatever happened
            errors = getattr(exc, "errors", None)
            outcome = f"{type(exc).__name__}: {errors[0] if errors else exc}"
        os.write(write, outcome.replace("\xa0", " ").encode()[:4000])
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        outcome = pipe.read().decode()
    _pid, _status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    print(f"{label:<44} refused in {elapsed:6.2f} s, peak RSS {usage.ru_maxrss / 1024:6.0f} MB")
    print(f"    {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xlsx-gb", type=float, default=1.2)
    parser.add_argument("--zip-gb", type=float, default=1.9)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="schoolwell-hostile-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    from schoolwell.accounts.models import User
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.importing import roster_import_oneroster, roster_import_template
    from schoolwell.roster.models import District, School
    from schoolwell.roster.services import school_staff_add

    call_command("migrate", verbosity=0)
    district = District.objects.create(name="Bench", code="bench")
    school = School.objects.create(
        district=district, name="Bench School", code="bench-school", sourced_id="s1"
    )
    admin = User.objects.create_user("bench-admin", email="admin@bench.example")
    school_staff_add(school=school, user=admin, role=Role.SCHOOL_ADMIN)

    xlsx, bomb = workdir / "template.xlsx", workdir / "oneroster.zip"
    started = time.perf_counter()
    make_xlsx_bomb(xlsx, int(options.xlsx_gb * 1e9))
    make_zip_bomb(bomb, int(options.zip_gb * 1e9))
    lying_xlsx, lying_zip = workdir / "template-lying.xlsx", workdir / "oneroster-lying.zip"
    understate_sizes(xlsx, lying_xlsx)
    understate_sizes(bomb, lying_zip)
    print(f"generated in {time.perf_counter() - started:.1f} s:")
    for path in (xlsx, bomb):
        with zipfile.ZipFile(path) as archive:
            expanded = sum(i.file_size for i in archive.infolist())
        print(
            f"  {path.name:<20} {path.stat().st_size / 1e6:6.1f} MB on disk, "
            f"{expanded / 1e9:.2f} GB expanded"
        )
    limits = (
        settings.ROSTER_IMPORT_MAX_MEMBER_BYTES // 2**20,
        settings.ROSTER_IMPORT_MAX_TOTAL_BYTES // 2**20,
        settings.ROSTER_IMPORT_MAX_WORKBOOK_BYTES // 2**20,
        settings.ROSTER_IMPORT_MAX_ROWS,
        settings.ROSTER_IMPORT_MAX_SECONDS,
    )
    print("limits: member {} MB, zip {} MB, workbook {} MB, {} rows, {} s".format(*limits))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"parent (Django loaded) peak RSS {rss:.0f} MB\n")
    for label, path in (
        ("XLSX template, 1.2 GB expanded", xlsx),
        ("XLSX template, headers understated", lying_xlsx),
    ):
        refuse_in_child(
            label, lambda path=path: roster_import_template(path=path, school=school, by=admin)
        )
    for label, path in (
        ("OneRoster zip bomb", bomb),
        ("OneRoster zip bomb, headers understated", lying_zip),
    ):
        refuse_in_child(
            label, lambda path=path: roster_import_oneroster(path=path, district=district, by=admin)
        )
    if options.keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
