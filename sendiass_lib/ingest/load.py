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
from .contract import map_headers, require_columns
from .mapping import contract
from .raw_extract import column
from .readers import read_extract
from .validate import validate

LABEL_SLICE = 500_000  # label rows per INSERT (see _store_labels)


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


def _drop_earlier_versions(con, table: str, service: str, key: tuple[str, ...]) -> None:
    """Delete the service's rows of `table` for the records in new_rows (matched on `key`, nulls
    equal): how a newer export replaces a record, its ratings and its labels."""
    same = " AND ".join(f"t.{k} IS NOT DISTINCT FROM n.{k}" for k in key)
    con.execute(f"DELETE FROM {table} t USING new_rows n WHERE t.service = ? AND {same}", [service])


def _store_ratings(con, spec, service: str, load_id: int, asked: dict[str, int]) -> None:
    """One row per answered question of the forms just loaded, replacing those forms' old answers."""
    parent = spec.natural_key[0]
    scale_min, scale_max = config.service(service).evaluation_scale
    _drop_earlier_versions(con, spec.questions.table, service, (parent,))
    if not asked:
        return
    con.execute(  # UNPIVOT leaves out unanswered (null) questions
        f"""INSERT INTO {spec.questions.table}
            SELECT ?, {parent}, question, rating, ?, ?, ?
            FROM (UNPIVOT (SELECT {parent}, {", ".join(asked)} FROM new_rows)
                  ON {", ".join(asked)} INTO NAME question VALUE rating)""",
        [service, scale_min, scale_max, load_id],
    )


def _store_labels(con, spec, service: str, load_id: int, labels) -> None:
    """The loaded rows' labels, replacing any earlier labels of the same records."""
    key = spec.natural_key[0]
    _drop_earlier_versions(con, spec.labels_table, service, (key,))
    for part in labels.iter_slices(LABEL_SLICE):  # in slices: one insert of millions held ~0.5 GB more
        db.register(con, "new_labels", part)
        try:
            con.execute(
                f"INSERT INTO {spec.labels_table} SELECT ?, {key}, field, raw_label, label, code, list, ? "
                "FROM new_labels",
                [service, load_id],
            )
        finally:
            con.unregister("new_labels")


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
) -> LoadResult:
    """Load one extract in one transaction; an unusable file raises ExtractError, writing nothing.

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
    raw = native.convert(path, service) if native is not None else read_extract(path, spec.is_header, sheet)
    headers = map_headers(spec, raw.headers, values=lambda at: raw.rows[column(at)])
    require_columns(spec, raw.headers, headers)
    checked = validate(raw, spec, headers, today or date.today(), service)
    result.rows_in = checked.rows_in
    result.rows_loaded = checked.rows.height
    result.rows_rejected = checked.rejects.height
    result.reasons = Counter(checked.rejects["reason"].to_list())
    result.dropped_unknown = headers.unknown
    result.is_sample = sha in sample_hashes()
    result.absent = [c.name for c in spec.columns if not c.required and c.name not in headers.canonical]
    if checked.labels is not None:
        unmapped = checked.labels.filter(pl.col("label") == UNMAPPED)
        result.unmapped = Counter(
            zip(unmapped["field"].to_list(), unmapped["raw_label"].to_list(), strict=True)
        )
        mapped = set(checked.labels.filter(pl.col("label") != UNMAPPED)["field"].cast(pl.String).to_list())
        result.all_unmapped = sorted({str(f) for f, _ in result.unmapped} - mapped)

    columns = [c.store_as for c in spec.columns if not c.is_label]
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
                kind,
                path.name,
                sha,
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
        db.register(con, "new_rejects", checked.rejects)
        con.execute(
            "INSERT INTO rejects SELECT ?, row_number, reason, detail, row_values FROM new_rejects",
            [result.load_id],
        )
        db.register(con, "new_rows", checked.rows)
        _drop_earlier_versions(con, spec.table, service, spec.natural_key)  # upsert by natural key
        con.execute(
            f"INSERT INTO {spec.table} (service, {', '.join(columns)}, load_id) "
            f"SELECT ?, {', '.join(columns)}, ? FROM new_rows",
            [service, result.load_id],
        )
        if spec.questions:
            _store_ratings(con, spec, service, result.load_id, headers.questions)
        if checked.labels is not None:
            _store_labels(con, spec, service, result.load_id, checked.labels)
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_rejects")
        con.unregister("new_rows")
    return result
