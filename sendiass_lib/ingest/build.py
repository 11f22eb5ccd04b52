"""`sendiass data`: make the database match the extracts on disk.

For each service the extracts are data/raw/<service>/ when it holds any, else the bundled sample in
data/sample/<service>/. A file's kind is the start of its name ("Involvements 2024.csv" ->
involvements); files load in name order, so a later export of the same case wins.

The database is derived data. When the ingest code or contracts changed, or a loaded file is no
longer on disk, it is rebuilt from scratch in a temporary file that replaces it only if every file
loaded; otherwise only new files are loaded, each in its own transaction, into a copy of it that
then replaces it. Either way the database itself is only ever read, so a notebook that has it open
(`make lab`, read-only) does not stop a build: it keeps the data it opened until it reconnects
(docs/database.md, "When the database is in use"). One build at a time: a lock file beside the
database (<name>.lock) refuses a second one, naming the first.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from .. import config, db
from . import data_checks, exclusive, native, replace
from .batches import Batch, Planned, batches
from .contract import kinds, normalise_header
from .errors import ExtractError
from .load import LoadResult, Source, file_sha256, load_file, load_files

EXTRACT_SUFFIXES = {".csv", ".xlsx", ".txt", ".zip"}  # (a zip: a native download, such as Mailchimp's)
SOURCES = ("auto", "raw", "sample")
BATCH_ROWS = 200_000  # rows a rebuild loads per transaction (see _load_all)


@dataclass
class BuildReport:
    """Per file results, files that could not be loaded, and what was left out."""

    rebuilt: bool = False
    results: list[LoadResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # service -> "raw" | "sample" | "none"


def extract_dir(service: str, source: str = "auto") -> tuple[str, Path | None]:
    """Which folder a service's extracts come from: ('raw'|'sample'|'none', folder)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source '{source}'; valid: {', '.join(SOURCES)}")
    raw = config.RAW_DIR / service
    if source in ("auto", "raw") and _extracts(raw):
        return "raw", raw
    sample = config.SAMPLE_DIR / service
    if source in ("auto", "sample") and _extracts(sample):
        return "sample", sample
    return "none", None


def kind_of(path: Path) -> str | None:
    """The extract kind a file name starts with (the longest: 'training_evaluations_2024.csv' is
    training_evaluations, not training), or None."""
    stem = normalise_header(path.stem).replace("_", " ").replace("-", " ")
    matches = [k for k in kinds() if stem.startswith(k.replace("_", " "))]
    return max(matches, key=len, default=None)


def fingerprint_files() -> list[Path]:
    """Every file that decides how an extract loads: the ingest code and contracts, the redaction
    rules, the label columns and level metrics (fields.py), the taxonomies (label aliases) and the
    service files (rating scales)."""
    ingest_dir = Path(__file__).resolve().parent
    package = ingest_dir.parent
    return sorted(
        [
            *ingest_dir.glob("*.py"),
            *ingest_dir.glob("native/*.py"),
            *ingest_dir.glob("contracts/*.yaml"),
            package / "privacy.py",
            package / "fields.py",
            *package.glob("taxonomies/*.yaml"),
            *config.SERVICES_DIR.glob("*.yaml"),
            *config.SERVICES_DIR.glob("mappings/*.yaml"),
        ]
    )


def ingest_fingerprint() -> str:
    """Hash of the schema version and fingerprint_files(): when it changes, the database is rebuilt,
    so an edited alias or redaction rule reaches rows already loaded."""
    digest = hashlib.sha256(db.SCHEMA_VERSION.encode())
    for path in fingerprint_files():
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def build(
    db_path: Path,
    source: str = "auto",
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Bring the database at db_path up to date with the extracts; see the module docstring."""
    report = BuildReport()
    plan = _plan(source, report)
    fingerprint = ingest_fingerprint()
    wanted = {(p.sha256, p.service, p.kind) for p in plan}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _only_build(db_path), _reading(db_path) as old:
        loaded, built_with = _contents(old)
        incremental = built_with == fingerprint and loaded <= wanted
        if incremental and loaded == wanted:  # nothing new: only finds each file loaded already
            _load_all(old, plan, report, today, progress)
            return report
        report.rebuilt = not incremental
        tmp = db_path.with_name(db_path.name + ".tmp")
        _remove(tmp)  # left by a build that was killed
        if incremental:  # the new files go into a copy (and its WAL, if a killed writer left one)
            shutil.copyfile(db_path, tmp)
            if _wal(db_path).exists():
                shutil.copyfile(_wal(db_path), _wal(tmp))
        con = db.connect(tmp, read_only=False)
        complete = False  # the new database replaces the old one
        try:
            if not incremental:
                con.execute("INSERT INTO meta VALUES ('ingest_fingerprint', ?)", [fingerprint])
            _load_all(con, plan, report, today, progress, batch_rows=0 if incremental else BATCH_ROWS)
            complete = incremental or not report.failures  # incremental: every file that loaded
            if complete and not incremental:
                replace.keep_latest(con)  # (a rebuild loads without looking for records loaded before)
            if complete and (broken := data_checks.run(con)):  # the loader's promises, checked
                report.failures += broken
                complete = False
        finally:
            con.close()  # checkpoints: the copy is one file again
            if not complete:
                _remove(tmp)
        if complete:
            _wal(db_path).unlink(missing_ok=True)  # the old file's, if any: DuckDB refuses it beside the new
            os.replace(tmp, db_path)
    return report


@contextmanager
def _only_build(db_path: Path) -> Iterator[None]:
    """Hold <db>.lock while building: a second build of the same database is refused, naming the
    first by the PID it wrote there. The file stays (removing it would let two builds lock two files)."""
    with open(db_path.with_name(db_path.name + ".lock"), "a+", encoding="utf-8") as lock:
        if not exclusive.try_lock(lock):
            lock.seek(0)
            holder = lock.read().strip()
            raise db.DatabaseBusyError(
                db.busy_message(db_path, int(holder) if holder.isdigit() else None, building=True)
            ) from None
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            exclusive.unlock(lock)


@contextmanager
def _reading(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The current database, open read-only for the whole build (None if there is none yet): other
    readers are welcome, and a writer in place (`sendiass load`) is refused until the build ends."""
    if not db_path.exists():
        yield None
        return
    con = db.connect(db_path)
    try:
        yield con
    finally:
        con.close()


def _contents(con: duckdb.DuckDBPyConnection | None) -> tuple[set[tuple[str, str, str]], str | None]:
    """The files a database holds (sha256, service, kind) and the ingest fingerprint it was built
    with; nothing for no database, or one without those tables (it is rebuilt)."""
    if con is None:
        return set(), None
    try:
        loaded = set(con.execute("SELECT sha256, service, kind FROM loads").fetchall())
        return loaded, db.meta(con, "ingest_fingerprint")
    except duckdb.CatalogException:
        return set(), None


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)


def _plan(source: str, report: BuildReport) -> list[Planned]:
    plan = []
    for service in config.services():
        origin, folder = extract_dir(service, source)
        report.sources[service] = origin
        for path in _extracts(folder) if folder else []:
            kind, download = kind_of(path), None
            if kind is None and (found := _recognised(path)) is not None:
                download, kind = found[0], native.kind_for(*found, path, service)
            if kind is None:
                report.skipped.append(
                    f"{path}: name does not start with an extract kind ({', '.join(kinds())}), and it "
                    f"is not a download the workbench recognises (looked for: {native.looked_for()})"
                )
                continue
            plan.append(Planned(service, kind, path, file_sha256(path), download))
    return plan


def _load_all(con, plan, report: BuildReport, today, progress, batch_rows: int = 0) -> None:
    """Load each planned file: in its own transaction, or with `batch_rows` (a new database, kept
    only if every file loads) in shared ones of about that many rows: a commit per small file cost
    more than loading it, and one transaction for everything held it all in memory. A new
    database also loads runs of files of one shape together (ingest.batches)."""
    batched, open_batch = 0, False
    for batch in batches(plan) if batch_rows else (Batch([item]) for item in plan):
        if batch_rows and not open_batch:
            con.execute("BEGIN TRANSACTION")
            open_batch = True
        for item, result in _load_batch(con, batch, report, today, alone=not batch_rows):
            report.results.append(result)
            if progress:
                progress(f"{item.service}: {result.summary()}")
            batched += result.rows_in
        if open_batch and batched >= batch_rows:
            con.execute("COMMIT")
            batched, open_batch = 0, False
    if open_batch:
        con.execute("COMMIT")


def _load_batch(con, batch: Batch, report: BuildReport, today, alone: bool) -> Iterator[tuple]:
    """(planned file, its LoadResult) for a batch's files: loaded together when the batch has a
    shape, else (or when they cannot go together) one by one; a file that cannot be loaded goes
    into report.failures."""
    if batch.shape is not None:
        files = [Source(item.path, item.sha256, item.service) for item in batch.items]
        together = load_files(con, files, batch.items[0].kind, batch.shape, today=today)
        if together is not None:
            yield from zip(batch.items, together, strict=True)
            return
    for item in batch.items:
        try:
            result = load_file(
                con,
                item.path,
                item.service,
                item.kind,
                today=today,
                sha256=item.sha256,
                own_transaction=alone,
                native=item.native,
                replace=alone,
            )
        except ExtractError as exc:
            report.failures.append(str(exc))
            continue
        yield item, result


def _recognised(path: Path):
    """(source, Recognised) for a native download, or None (an unreadable file included: it is
    then skipped with what was looked for)."""
    try:
        return native.recognise(path)
    except (OSError, ValueError, ExtractError):
        return None


def _extracts(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTRACT_SUFFIXES)
