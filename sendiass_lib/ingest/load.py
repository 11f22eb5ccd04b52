"""Loading extracts into the database: one transaction per file, idempotent, upsert by natural key.

A file already loaded (same sha256, service and kind) is skipped. A newer export replaces rows with
the same natural key. Every load writes a `loads` row with rows_in = rows_loaded + rows_rejected and
its rejects; if anything fails, the transaction rolls back and the database is as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from .. import config, db, privacy
from ..labels import UNMAPPED
from . import staging
from .contract import map_headers, require_columns
from .mapping import contract
from .replace import drop_earlier_versions
from .validate import release, validate


@dataclass
class LoadResult:
    """What happened to one file."""

    file_name: str
    sha256: str
    load_id: int | None = None
    already_loaded: bool = False
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    dropped_unknown: list[str] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)  # (column, raw label) -> rows
    is_sample: bool = False
    absent: list[str] = field(default_factory=list)  # optional contract columns the file lacks
    all_unmapped: list[str] = field(default_factory=list)  # label columns none of whose labels mapped

    def warnings(self, shown: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """What to look at before publishing from this file, in words: unknown columns, columns
        among `shown` (those pages show) it does not have, label columns whose labels all failed."""
        if self.already_loaded:
            return []
        found = []
        if self.dropped_unknown:
            listed = ", ".join(f"'{h}'" for h in self.dropped_unknown)
            found.append(
                f"{self.file_name}: dropped as unknown: {listed} (`sendiass check` suggests a mapping)"
            )
        if missing := [c for c in self.absent if c in shown]:
            found.append(f"{self.file_name}: no column for {', '.join(missing)}: the pages say so")
        if self.all_unmapped:
            found.append(f"{self.file_name}: every label of {', '.join(self.all_unmapped)} matched nothing")
        return found

    def summary(self) -> str:
        """One line for a terminal: rows in / loaded / rejected and the top reasons."""
        if self.already_loaded:
            return f"{self.file_name}: already loaded (load {self.load_id}), nothing to do"
        text = (
            f"{self.file_name}: {self.rows_in} rows in, {self.rows_loaded} loaded, "
            f"{self.rows_rejected} rejected"
        )
        if self.reasons:
            top = ", ".join(f"{code} {n}" for code, n in self.reasons.most_common(3))
            text += f" ({top})"
        if self.unmapped:
            top = ", ".join(f"{column} '{label}' {n}" for (column, label), n in self.unmapped.most_common(3))
            text += f"; {sum(self.unmapped.values())} unmapped label(s), loaded as Unmapped: {top}"
        return text


def _store_ratings(con, spec, service: str, load_id: int, asked: list[str], replaced: bool) -> None:
    """One row per answered question of the forms just loaded, replacing those forms' old answers
    (when `replaced`: some of the forms were loaded before)."""
    parent = spec.natural_key[0]
    scale_min, scale_max = config.service(service).evaluation_scale
    if replaced:
        drop_earlier_versions(con, spec.questions.table, service, (parent,))
    if not asked:
        return
    con.execute(  # UNPIVOT leaves out unanswered (null) questions
        f"""INSERT INTO {spec.questions.table}
            SELECT ?, {parent}, question, rating, ?, ?, ?
            FROM (UNPIVOT (SELECT {parent}, {", ".join(asked)} FROM v_rows)
                  ON {", ".join(asked)} INTO NAME question VALUE rating)""",
        [service, scale_min, scale_max, load_id],
    )


def _store_labels(con, spec, service: str, result: LoadResult, replaced: bool) -> None:
    """The loaded rows' labels, replacing the earlier labels of records loaded before (when
    `replaced`); the labels that mapped to nothing, as stored (redacted), counted into `result`."""
    key = spec.natural_key[0]
    if replaced:
        drop_earlier_versions(con, spec.labels_table, service, (key,))
    con.execute(
        f"INSERT INTO {spec.labels_table} "
        f"SELECT ?, {key}, field, raw_label, label, code, list, ? FROM v_labels",
        [service, result.load_id],
    )
    if not con.execute("SELECT count(*) FROM v_label_pairs WHERE label = ?", [UNMAPPED]).fetchall()[0][0]:
        return
    found = con.execute(
        f"SELECT field, raw_label, count(*) FROM {spec.labels_table} "
        "WHERE load_id = ? AND label = ? GROUP BY ALL",
        [result.load_id, UNMAPPED],
    ).fetchall()
    result.unmapped = Counter({(field, raw): n for field, raw, n in found})
    mapped = {
        f
        for (f,) in con.execute(
            "SELECT DISTINCT field FROM v_label_pairs WHERE label <> ?", [UNMAPPED]
        ).fetchall()
    }
    result.all_unmapped = sorted({field for field, _ in result.unmapped} - mapped)


def _safe(headers: list[str]) -> list[str]:
    """Header text as stored: typed by a person, so redacted like any other text."""
    return privacy.redact(pl.Series(headers, dtype=pl.String)).to_list()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sample_hashes() -> set[str]:
    """sha256 of every synthetic sample file, from data/sample/SHA256SUMS."""
    sums = config.SAMPLE_DIR / "SHA256SUMS"
    if not sums.is_file():
        return set()
    return {line.split()[0] for line in sums.read_text().splitlines() if line.strip()}


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    service: str,
    kind: str,
    today: date | None = None,
    sha256: str | None = None,
    own_transaction: bool = True,
    sheet: str | None = None,
    native=None,
    replace: bool = True,
) -> LoadResult:
    """Load one extract in one transaction; an unusable file raises ExtractError, writing nothing.

    With replace=False, records loaded before are not looked for: the caller (a rebuild) calls
    replace.keep_latest once it has loaded every file.

    `sheet` names the worksheet of a workbook to load (default: the first holding a header).

    With own_transaction=False the caller holds the transaction (a rebuild loads every file in
    one: committing each small file cost more than loading it) and rolls it back on an error."""
    config.service(service)  # an unknown service fails here, naming the valid ones
    spec = contract(kind, service)
    sha = sha256 or file_sha256(path)  # callers that already hashed the file pass it in
    result = LoadResult(file_name=path.name, sha256=sha)
    done = con.execute(
        "SELECT load_id FROM loads WHERE sha256 = ? AND service = ? AND kind = ?",
        [sha, service, kind],
    ).fetchall()
    if done:
        result.already_loaded, result.load_id = True, done[0][0]
        return result

    # A native download (ingest.native) is converted to the kind's layout by its source.
    convert = (lambda p: native.convert(p, service)) if native is not None else None
    staged = staging.stage(con, path, spec.is_header, sheet, convert)
    try:
        headers = map_headers(spec, staged.headers, values=lambda at: staging.column_values(con, at))
        require_columns(spec, staged.headers, headers)
        checked = validate(con, staged, spec, headers, today or date.today(), service)
        _write(con, result, spec, service, path, headers, checked, own_transaction, replace)
    finally:
        release(con)
        staging.drop(con)
    return result


def _write(
    con, result: LoadResult, spec, service, path: Path, headers, checked, own_transaction: bool, replace: bool
) -> None:
    """Record the load, its rejects, rows, ratings and labels in one transaction (the caller's,
    unless own_transaction), filling in `result`; with `replace`, records loaded before first go."""
    result.rows_in = checked.rows_in
    result.rows_loaded = checked.rows_loaded
    result.rows_rejected = checked.rejects.height
    result.reasons = Counter(checked.rejects["reason"].to_list())
    result.dropped_unknown = headers.unknown
    result.is_sample = result.sha256 in sample_hashes()
    result.absent = [c.name for c in spec.columns if not c.required and c.name not in headers.canonical]
    if own_transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        result.load_id = con.execute(
            """INSERT INTO loads (service, kind, file_name, sha256, is_sample, loaded_at,
                                  rows_in, rows_loaded, rows_rejected, columns_dropped, columns_unknown,
                                  columns_personal, columns_mapped)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING load_id""",
            [
                service,
                spec.kind,
                path.name,
                result.sha256,
                result.is_sample,
                datetime.now(),
                result.rows_in,
                result.rows_loaded,
                result.rows_rejected,
                _safe([m.header for m in headers.matches if m.column is None]),
                _safe(headers.unknown),
                _safe(headers.personal),
                sorted(headers.canonical),
            ],
        ).fetchall()[0][0]
        if result.rows_rejected:
            db.register(con, "new_rejects", checked.rejects)
            try:
                con.execute(
                    "INSERT INTO rejects SELECT ?, row_number, reason, detail, row_values FROM new_rejects",
                    [result.load_id],
                )
            finally:
                con.unregister("new_rejects")
        # upsert by natural key
        replaced = replace and drop_earlier_versions(con, spec.table, service, spec.natural_key)
        con.execute(
            f"INSERT INTO {spec.table} (service, {', '.join(checked.stored)}, load_id) "
            f"SELECT ?, {', '.join(checked.stored)}, ? FROM v_rows ORDER BY __row",  # (in file order)
            [service, result.load_id],
        )
        if spec.questions:
            _store_ratings(con, spec, service, result.load_id, checked.questions, replaced)
        if checked.has_labels:
            _store_labels(con, spec, service, result, replaced)
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise
