"""Every published table is either reproduced by a test that exists and uses its figures, or listed
with a reason the facts bear out (tests/fixtures/reference_coverage.yaml says how each is checked);
and the published figures the tests use are one copy the sample generator never reads."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from sendiass_lib import config
from tests import published
from tests.conftest import FIXTURES

TESTS = Path(__file__).parent
ROOT = TESTS.parent
COVERAGE = yaml.safe_load((FIXTURES / "reference_coverage.yaml").read_text(encoding="utf-8"))
COVERED = {t: e["covered"] for t, e in COVERAGE.items() if "covered" in e}
NOT_COVERED = {t: e["not_covered"] for t, e in COVERAGE.items() if "not_covered" in e}
DIFFERENCES = config.PACKAGE_DIR / "published" / "report_differences.yaml"


@cache
def collected() -> frozenset[str]:
    """The node ids pytest collects from every test file the list names (file::function[params])."""
    files = {where.split("::")[0] for where in COVERED.values()}
    files |= {r.split(": ", 1)[1].split("::")[0] for r in NOT_COVERED.values() if r.startswith("measured_by")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *sorted(files)],
        cwd=TESTS,  # node ids are then relative to the project: tests/test_x.py::test_y
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return frozenset(line for line in done.stdout.splitlines() if "::" in line)


def nodes(where: str) -> list[str]:
    """The collected nodes of one test (file::function): itself, or one per parameter set."""
    node = f"{TESTS.name}/{where}"
    return [n for n in collected() if n == node or n.startswith(f"{node}[")]


def source(where: str) -> str:
    """A test function's code, its decorators included."""
    file_name, function = where.split("::")
    text = (TESTS / file_name).read_text(encoding="utf-8")
    [found] = [n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == function]
    first = min([found.lineno, *(d.lineno for d in found.decorator_list)])
    return "\n".join(text.splitlines()[first - 1 : found.end_lineno])


def uses(where: str, table_id: str) -> bool:
    """Whether a test is run with the table's figures: the id is one of its parameters, or its code
    names the id (published.table("...") or a parametrize list of ids)."""
    params = [re.split(r"[-\[\]]", n.split("[", 1)[1]) for n in nodes(where) if "[" in n]
    return any(table_id in p for p in params) or f'"{table_id}"' in source(where)


def test_the_list_names_all_60_published_tables_and_covers_53():
    assert len(COVERAGE) == 60 and all(len(entry) == 1 for entry in COVERAGE.values())
    assert (len(COVERED), len(NOT_COVERED)) == (53, 7)


def test_every_table_in_the_tests_published_figures_is_in_the_list_as_covered():
    assert sorted(published.ids()) == sorted(COVERED)


@pytest.mark.parametrize("table_id", sorted(COVERED))
def test_a_covered_table_names_a_collected_test_that_uses_its_figures(table_id):
    where = COVERED[table_id]
    assert nodes(where), f"{table_id}: pytest collects no test {where}"
    assert uses(where, table_id), f"{table_id}: {where} neither takes it as a parameter nor names it"


# Reason codes: what each needs after the colon, and the check of it against the facts.
def _measured_by(table_id: str, test: str) -> None:
    assert nodes(test), f"{table_id}: pytest collects no test {test}"


def _prose(table_id: str, services: str) -> None:
    listed = {d["service"] for d in yaml.safe_load(DIFFERENCES.read_text(encoding="utf-8"))["differences"]}
    for service in services.split(", "):
        assert service in config.services(), f"{table_id}: no service {service}"
        assert service in listed, f"{table_id}: report_differences.yaml lists nothing for {service}"


def _words(table_id: str, what: str) -> None:
    assert len(what.split()) >= 2, f"{table_id}: say which, in words"


REASONS = {
    "measured_by": _measured_by,
    "prose": _prose,
    "not_in_report": _words,
    "other_body": _words,
    "images_only": _words,
}


@pytest.mark.parametrize("table_id", sorted(NOT_COVERED))
def test_a_table_not_covered_gives_a_known_reason_that_the_facts_bear_out(table_id):
    code, _, specifics = NOT_COVERED[table_id].partition(": ")
    assert code in REASONS, f"{table_id}: unknown reason {code!r}; known: {', '.join(REASONS)}"
    REASONS[code](table_id, specifics)
    assert table_id not in published.ids(), f"{table_id} has figures in tests/fixtures/published/"
    naming = [p.name for p in TESTS.glob("test_*.py") if table_id in p.read_text(encoding="utf-8")]
    assert not naming, f"{table_id} is named by {naming}: cover it there"


def test_the_sample_generator_reads_none_of_the_tests_published_figures(tmp_path):
    # Generate the sample in a process that records every file it opens.
    script = (
        "import json, sys; from pathlib import Path; opened = []\n"
        "sys.addaudithook(lambda event, args: event == 'open' and opened.append(str(args[0])))\n"
        "from sendiass_lib.sample.committed import generate\n"
        f"generate(Path({str(tmp_path)!r}))\n"
        "print(json.dumps(opened))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    opened = [Path(p).resolve() for p in json.loads(done.stdout.splitlines()[-1]) if not p.isdigit()]
    assert any(p.parent.name == "sample_targets" for p in opened)  # its own copy
    assert not [p for p in opened if p.is_relative_to(TESTS)]
