"""Every step runs without make: each Makefile target is one `sendiass` command, and the commands that
stood in make's recipes (test, lint, lab, clean, lock, bringing the database up to date) do the same."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sendiass_lib import cli, config
from sendiass_lib.cli import project_commands

ROOT = config.PROJECT_ROOT
COMMANDS = {"sample", "data", "load", "check", "rejects", "report", "reports", "baselines"}
COMMANDS |= {"figures", "narrative", "test", "lint", "lab", "bench", "clean", "lock"}


def recipes() -> dict[str, list[str]]:
    """Each Makefile target's recipe lines."""
    found: dict[str, list[str]] = {}
    target = None
    for line in (ROOT / "Makefile").read_text().splitlines():
        if match := re.match(r"^([a-z][a-z-]*):", line):
            target = match.group(1)
            found[target] = []
        elif line.startswith("\t") and target:
            found[target].append(line.strip())
        elif not line.strip():
            target = None
    return found


def test_sendiass_help_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "sendiass_lib.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0
    listed = set(re.findall(r"^    ([a-z]+)\b", out.stdout, re.M))
    assert listed == COMMANDS


def test_every_make_target_but_env_and_help_is_one_sendiass_command():
    targets = recipes()
    assert set(targets) - {"env", "help"} == {"clean-all"} | COMMANDS - {
        "load",
        "check",
        "rejects",
        "figures",
        "narrative",
    }
    for target, lines in targets.items():
        if target in ("env", "help"):
            continue
        assert len(lines) == 1, (target, lines)
        command = re.fullmatch(r"@\$\(SENDIASS\) ([a-z]+)\b.*", lines[0])
        assert command and command.group(1) in COMMANDS, (target, lines)


def test_readme_without_make_shows_only_commands_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Without make", 1)[1].split("\n## ", 1)[0]
    shown = set(re.findall(r"^sendiass ([a-z]+)", section, re.M))
    assert {"report", "reports", "test", "lab"} <= shown <= COMMANDS
    assert "requirements\\lock.txt" in section and "--require-hashes" in section


def test_report_for_an_unknown_service_names_the_valid_ones_before_loading_anything(tmp_path, capsys):
    db_path = tmp_path / "never.duckdb"
    code = cli.main(["report", "--service", "nowhere", "--year", "2024", "--db", str(db_path)])
    assert code == 2
    said = capsys.readouterr().err.strip()
    assert (
        said
        == "sendiass: unknown service 'nowhere'; valid: bucks, herefs, worcs; groups (a joint report): hw"
    )
    assert not db_path.exists()


def test_report_loads_a_stale_database_first_then_reuses_it(tmp_path, monkeypatch, capsys):
    sample = tmp_path / "sample"
    shutil.copytree(config.SAMPLE_DIR / "herefs", sample / "herefs")
    monkeypatch.setattr(config, "SAMPLE_DIR", sample)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    db_path = tmp_path / "report.duckdb"

    def report() -> tuple[int, str, str]:
        # 2021 has no data: refused once the database is up to date, naming the years that have.
        code = cli.main(["report", "--service", "herefs", "--year", "2021", "--db", str(db_path)])
        out = capsys.readouterr()
        assert "no data for herefs in 2021; years with data: 2022, 2023, 2024" in out.err
        return code, out.out, out.err

    code, out, _ = report()
    assert code == 2 and f"{db_path}: rebuilt, 8 file(s) loaded" in out
    loaded = db_path.stat().st_mtime_ns
    code, out, _ = report()
    assert code == 2 and str(db_path) not in out  # up to date: not loaded again
    assert db_path.stat().st_mtime_ns == loaded

    extract = sample / "herefs" / "involvements_2024.csv"
    before = extract.stat().st_mtime_ns - 10**9
    os.utime(db_path, ns=(before, before))  # an extract changed after the database was built
    code, out, _ = report()
    assert code == 2 and f"{db_path}: updated, 0 file(s) loaded" in out  # same content: nothing new
    assert db_path.stat().st_mtime_ns > extract.stat().st_mtime_ns  # and up to date again


class Started(list):
    """Child processes as (command, env), and the exit code each is to give (0 unless in `codes`)."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, int] = {}  # the command's first three arguments -> its exit code


@pytest.fixture
def children(monkeypatch) -> Started:
    """The child processes a command would start, recorded instead of started."""
    started = Started()

    def run_child(command, env=None, cwd=None):
        started.append((command, env))
        return started.codes.get(" ".join(command[1:4]), 0)

    monkeypatch.setattr(project_commands, "run_child", run_child)
    return started


def test_sendiass_test_lints_loads_the_sample_then_runs_pytest_with_nbval(monkeypatch, children):
    loads = []
    monkeypatch.setattr(project_commands, "load_extracts", lambda *args, **kw: loads.append((args, kw)) or 0)
    assert cli.main(["test"]) == 0
    commands = [command[1:] for command, _ in children]
    assert commands == [
        ["-m", "ruff", "check", "--quiet", "."],
        ["-m", "ruff", "format", "--check", "--quiet", "."],
        ["-m", "pytest", "--nbval-lax", "--nbval-kernel-name", "sendiass"],
    ]
    assert loads == [((ROOT / "data" / "processed" / "sample.duckdb", "sample"), {"quiet": True})]
    assert children[-1][1]["SENDIASS_DB"] == os.path.join("data", "processed", "sample.duckdb")


def test_sendiass_test_stops_at_the_first_failing_step(monkeypatch, children):
    monkeypatch.setattr(project_commands, "load_extracts", lambda *args, **kw: pytest.fail("loaded"))
    children.codes["-m ruff check"] = 1
    assert cli.main(["test"]) == 1
    assert len(children) == 1


@pytest.mark.parametrize("uid, allow_root", [(0, True), (1000, False)])
def test_lab_opens_the_explore_notebook_on_the_database_and_allows_root_only_as_root(
    monkeypatch, children, tmp_path, uid, allow_root
):
    monkeypatch.setattr(project_commands, "up_to_date", lambda db_path: 0)
    monkeypatch.setattr(os, "geteuid", lambda: uid, raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lab", "--db", "lab.duckdb", "--no-browser", "--port=9999"]) == 0
    [(command, env)] = children
    assert Path(command[0]).name == "jupyter-lab" and Path(command[0]).parent.is_dir()
    assert command[1:3] == ["--ServerApp.root_dir=.", "notebooks/explore.ipynb"]
    assert ("--allow-root" in command) == allow_root
    assert command[-2:] == ["--no-browser", "--port=9999"]
    assert env["SENDIASS_DB"] == str((tmp_path / "lab.duckdb").resolve())


def test_clean_removes_pages_and_databases_but_not_extracts(tmp_path, monkeypatch, capsys):
    outputs, processed = tmp_path / "outputs", tmp_path / "processed"
    (outputs / "2024" / "worcs").mkdir(parents=True)
    (outputs / "2024" / "worcs" / "index.html").write_text("x")
    (outputs / "index.html").write_text("x")
    processed.mkdir()
    for name in ("sendiass.duckdb", "sendiass.duckdb.wal", "sample.duckdb.tmp", "notes.txt"):
        (processed / name).write_text("x")
    monkeypatch.setattr(config, "OUTPUTS_DIR", outputs)
    monkeypatch.setattr(config, "PROCESSED_DIR", processed)
    assert cli.main(["clean"]) == 0
    assert sorted(p.name for p in outputs.iterdir()) == [".gitkeep"]
    assert sorted(p.name for p in processed.iterdir()) == [".gitkeep", "notes.txt"]
    assert "removed" in capsys.readouterr().out


def test_bootstrap_requirements_are_uvs_entry_in_the_lock():
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    entry = project_commands.uv_entry(lock)
    assert entry.startswith("uv==") and "--hash=sha256:" in entry
    assert entry == (ROOT / "requirements" / "bootstrap.txt").read_text()
    assert lock.startswith(project_commands.LOCK_HEADER)
