"""The database in use: a reader does not stop `sendiass data`, which builds beside the database and
swaps the new file in; a second build, or a writer blocked by a reader, gets one line saying which
process holds the database and what to do."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from sendiass_lib import db
from sendiass_lib.ingest.build import build
from tests.conftest import write_extract

TODAY = date(2024, 6, 1)
HOLD = """
import sys
from sendiass_lib import db
con = db.connect(sys.argv[1], read_only=sys.argv[2] == "read")
count = "SELECT count(*) FROM involvements"
print(con.execute(count).fetchone()[0], flush=True)
for _ in sys.stdin:  # a line in: the count again, from the same connection
    print(con.execute(count).fetchone()[0], flush=True)
"""


def involvement(folder: Path, name: str, case: str) -> Path:
    return write_extract(folder, name, [[case, "05/01/2024", "", "", ""]])


@contextmanager
def holding(path: Path, mode: str):
    """Another process with the database open ('read' or 'write'): yields it once it is open."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip().isdigit(), "the holder could not open the database"
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def count_seen_by(proc: subprocess.Popen) -> int:
    proc.stdin.write("\n")
    proc.stdin.flush()
    return int(proc.stdout.readline())


def fresh_count(path: Path) -> int:
    with db.connect(path) as con:
        return con.execute("SELECT count(*) FROM involvements").fetchone()[0]


@pytest.mark.parametrize("rebuild", [False, True], ids=["new file", "rebuild"])
def test_a_reader_in_another_process_does_not_stop_a_build(tmp_path, raw_worcs, rebuild):
    first = involvement(raw_worcs, "involvements_1.csv", "A1")
    db_path = tmp_path / "d.duckdb"
    build(db_path, source="raw", today=TODAY)
    with holding(db_path, "read") as reader:
        involvement(raw_worcs, "involvements_2.csv", "A2")
        if rebuild:
            first.unlink()  # a loaded file gone: rebuilt from scratch
        report = build(db_path, source="raw", today=TODAY)
        assert report.rebuilt is rebuild and not report.failures
        assert fresh_count(db_path) == (1 if rebuild else 2)  # the new data, for a fresh connection
        assert count_seen_by(reader) == 1  # the reader keeps the file it opened until it reconnects
    assert not list(tmp_path.glob("d.duckdb.tmp*"))


def test_a_second_build_is_refused_naming_the_first_and_the_first_completes(tmp_path):
    db_path = tmp_path / "d.duckdb"
    pausing = (
        "import sys\nfrom pathlib import Path\nfrom sendiass_lib.ingest.build import build\n"
        "def pause(line):\n    print('building', flush=True)\n    sys.stdin.readline()\n"
        "build(Path(sys.argv[1]), source='sample', progress=pause)\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", pausing, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout.readline().strip() == "building"
        second = subprocess.run(
            [sys.executable, "-m", "sendiass_lib.cli", "data", "--source", "sample", "--db", str(db_path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        first.stdin.close()  # every later pause reads end-of-file: the first build runs to the end
        assert first.wait(timeout=120) == 0
    assert second.returncode == 1
    assert second.stderr.startswith(
        f"sendiass: {db_path} is being updated by another process (PID {first.pid}: "
    )
    assert second.stderr.endswith("; wait for it to finish, then run again\n")
    assert fresh_count(db_path) > 0


def test_a_build_run_as_sendiass_data_is_named_by_its_command(tmp_path):
    script = tmp_path / "bin" / "sendiass"  # what the console script's command line looks like
    script.parent.mkdir()
    script.write_text("import sys\nprint('up', flush=True)\nsys.stdin.readline()\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), "data", "--quiet"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "up"
        message = db.busy_message(tmp_path / "d.duckdb", proc.pid, building=True)
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert message == (
        f"{tmp_path / 'd.duckdb'} is being updated by `sendiass data` (PID {proc.pid}); "
        "wait for it to finish, then run again"
    )


def test_a_writer_blocked_by_a_reader_is_told_the_reader_holds_it_and_to_close_it(tmp_path):
    db_path = tmp_path / "d.duckdb"
    db.connect(db_path, read_only=False).close()
    with holding(db_path, "read") as reader, pytest.raises(db.DatabaseBusyError) as caught:
        db.connect(db_path, read_only=False)
    message = str(caught.value)
    assert message.startswith(f"{db_path} is open read-only in another process (PID {reader.pid}: python")
    assert message.endswith("; close its connection to the database, then run again")


def test_a_reader_blocked_by_a_writer_is_told_to_wait_for_it(tmp_path):
    db_path = tmp_path / "d.duckdb"
    db.connect(db_path, read_only=False).close()
    with holding(db_path, "write") as writer, pytest.raises(db.DatabaseBusyError) as caught:
        db.connect(db_path)
    message = str(caught.value)
    assert message.startswith(f"{db_path} is open for writing in another process (PID {writer.pid}: python")
    assert message.endswith("; wait for it to finish or close it, then run again")


def test_a_build_is_refused_while_another_process_writes_the_database_in_place(tmp_path, raw_worcs):
    involvement(raw_worcs, "involvements_1.csv", "A1")
    db_path = tmp_path / "d.duckdb"
    build(db_path, source="raw", today=TODAY)
    involvement(raw_worcs, "involvements_2.csv", "A2")
    with holding(db_path, "write") as writer, pytest.raises(db.DatabaseBusyError, match=f"PID {writer.pid}"):
        build(db_path, source="raw", today=TODAY)
    assert fresh_count(db_path) == 1
    assert not build(db_path, source="raw", today=TODAY).failures
    assert fresh_count(db_path) == 2


def test_a_build_with_nothing_new_leaves_the_file_alone(tmp_path, raw_worcs):
    involvement(raw_worcs, "involvements_1.csv", "A1")
    db_path = tmp_path / "d.duckdb"
    build(db_path, source="raw", today=TODAY)
    before = db_path.stat()
    report = build(db_path, source="raw", today=TODAY)
    assert [r.already_loaded for r in report.results] == [True]
    after = db_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_wal_left_by_a_killed_writer_goes_into_the_new_file_and_not_beside_it(tmp_path, raw_worcs):
    involvement(raw_worcs, "involvements_1.csv", "A1")
    db_path = tmp_path / "d.duckdb"
    build(db_path, source="raw", today=TODAY)
    killed = (
        "import os, sys, duckdb\ncon = duckdb.connect(sys.argv[1])\n"
        "con.execute('PRAGMA disable_checkpoint_on_shutdown')\n"
        "con.execute(\"INSERT INTO meta VALUES ('committed_before_the_kill', 'yes')\")\nos._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(db_path)], check=True, timeout=60)
    wal = db_path.with_name("d.duckdb.wal")
    assert wal.exists()
    involvement(raw_worcs, "involvements_2.csv", "A2")
    assert not build(db_path, source="raw", today=TODAY).rebuilt
    assert not wal.exists()
    with db.connect(db_path) as con:
        assert db.meta(con, "committed_before_the_kill") == "yes"
    assert fresh_count(db_path) == 2


@pytest.mark.parametrize("mode", ["read", "write"])
def test_duckdbs_lock_error_names_the_holders_pid_and_whether_it_only_reads(tmp_path, mode):
    # The messages above read these two parts of DuckDB's wording; a new DuckDB that changes it fails here.
    db_path = tmp_path / "d.duckdb"
    db.connect(db_path, read_only=False).close()
    code = (
        "import sys, duckdb\ntry:\n    duckdb.connect(sys.argv[1])\n"
        "except duckdb.IOException as e:\n    print(e)"
    )
    with holding(db_path, mode) as holder:
        error = subprocess.run(
            [sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, timeout=60
        ).stdout
    assert db.LOCK_HOLDER.search(error).group(1) == str(holder.pid)
    assert (db.READER_HOLDS in error) is (mode == "read")
