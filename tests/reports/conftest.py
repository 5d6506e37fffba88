import openpyxl
import pytest

from schoolwell.reports.models import Export
from tests.roster.conftest import make_template  # noqa: F401  (fixture)

# The SEL app's own test data builders, for the SEL export and dashboard tests.
from tests.screening.conftest import instruments, phqa_window, srss_window  # noqa: F401
from tests.sel.conftest import competencies, make_lesson, schedule, today  # noqa: F401


def workbook_rows(source) -> dict[str, list[tuple]]:
    """Every sheet of an XLSX file (path, file object or finished Export) as value tuples."""
    if isinstance(source, Export):
        with source.file.open("rb") as fh:
            wb = openpyxl.load_workbook(fh)
    else:
        wb = openpyxl.load_workbook(source)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@pytest.fixture
def load_rows():
    return workbook_rows


@pytest.fixture
def run_export(django_capture_on_commit_callbacks):
    """run_export(user, kind="roster", **filters) → the finished Export (tasks run eagerly)."""
    from schoolwell.reports.exports import ExportFilters
    from schoolwell.reports.services import export_request

    def _run(user, kind="roster", **filters):
        with django_capture_on_commit_callbacks(execute=True):
            export = export_request(user=user, kind=kind, filters=ExportFilters(**filters))
        export.refresh_from_db()
        return export

    return _run
