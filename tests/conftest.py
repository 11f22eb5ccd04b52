"""Shared fixtures: temporary databases, the sample database, and a writer for test extracts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from sendiass_lib import db
from sendiass_lib.ingest.build import build

FIXTURES = Path(__file__).parent / "fixtures"
# Tests (and the processes they start) use a fixed pseudonym key and never write the project's .env.
os.environ["SENDIASS_PSEUDONYM_KEY"] = "test-key-not-secret"
HEADER = ["Case Ref", "Date Opened", "Date of First Response", "Date Closed", "Level"]


@pytest.fixture(scope="session")
def published() -> dict:
    """The published monthly involvements (tests/fixtures/published_involvements.yaml)."""
    return yaml.safe_load((FIXTURES / "published_involvements.yaml").read_text())


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A database built from the committed sample extracts only."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    report = build(path, source="sample")
    assert not report.failures
    return path


@pytest.fixture
def con(tmp_path):
    """A new, empty, writable database."""
    connection = db.connect(tmp_path / "test.duckdb", read_only=False)
    yield connection
    connection.close()


def write_extract(
    folder: Path,
    name: str,
    rows: list[list[str]],
    header: list[str] | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    newline: str = "\r\n",
) -> Path:
    """Write a CSV extract the way a case-management system would."""
    lines = [sep.join(header or HEADER), *(sep.join(r) for r in rows)]
    path = folder / name
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path
