"""docs/compatibility.md stays true: every element its tables call supported (with or
without a difference) names the tests that exercise it, and those tests exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "compatibility.md"
STATUSES = ("supported", "supported with difference", "not applicable")
# `file.py` or `file.py::test_name`, relative to tests/browser/ or to the repository.
REFERENCE = re.compile(r"(?P<file>[\w/.-]+\.py)(?:::(?P<test>\w+))?")


def table_rows() -> list[tuple[str, str, str, str]]:
    """(section, element, status, tests) of every row of a table with a Status column."""
    rows = []
    section = ""
    header: list[str] | None = None
    for line in DOC.read_text().splitlines():
        if line.startswith("#"):
            section = line.lstrip("# ")
            header = None
        elif not line.startswith("|"):
            header = None
        else:
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if header is None:
                header = cells
            elif not set(cells) <= {"---", ""} and "Status" in header:
                row = dict(zip(header, cells, strict=True))
                element = row.get("Element") or row.get("Event", "")
                rows.append((section, element, row["Status"], row.get("Test", "")))
    return rows


def resolve(file: str) -> Path | None:
    for base in (ROOT / "tests" / "browser", ROOT / "tests", ROOT):
        if (base / file).is_file():
            return base / file
    return None


ROWS = table_rows()


def test_the_tables_cover_every_vendor_api():
    sections = {section for section, *_ in ROWS}
    for wanted in (
        "Events",
        "`GLANCE.Cobrowse.Visitor`",
        "`GLANCE.Presence.Visitor`",
        "Presence REST API",
        "site_connect (channel.me)",
        "`SurflySession`",
    ):
        assert wanted in sections
    assert len(ROWS) > 100


@pytest.mark.parametrize(("section", "element", "status", "tests"), ROWS, ids=lambda v: v[:60])
def test_every_element_has_a_status_and_every_supported_one_a_test_that_exists(
    section, element, status, tests
):
    assert status in STATUSES, f"{section} / {element}: unknown status {status!r}"
    references = list(REFERENCE.finditer(tests))
    if status.startswith("supported"):
        assert references, f"{section} / {element} is {status} but names no test"
    for reference in references:
        path = resolve(reference["file"])
        assert path is not None, f"{section} / {element}: no test file {reference['file']}"
        if reference["test"]:
            defined = re.search(rf"^(async )?def {reference['test']}\(", path.read_text(), re.M)
            assert defined, f"{section} / {element}: no {reference['test']} in {path.name}"
