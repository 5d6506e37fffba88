import openpyxl
import pytest

from schoolwell.reports.models import Export


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
