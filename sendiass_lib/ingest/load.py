"""Loading extracts into the database: one transaction per file, idempotent, upsert by natural key.

A file already loaded (same sha256, service and kind) is skipped. A newer export replaces rows with
the same natural key. Every load writes a `loads` row with rows_in = rows_loaded + rows_rejected and
its rejects; if anything fails, the transaction rolls back and the database is as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from .. import config, db, privacy
from ..labels import UNMAPPED
from . import staging
from .contract import HeaderMap, map_headers, require_columns
from .errors import ExtractError
from .load_result import LoadResult
from .mapping import contract
from .raw_extract import FILE, ROW
from .replace import drop_earlier_versions
from .sql_text import by_file, lit
from .validate import release, validate


def _store_ratings(con, spec, service: str, load_of: str, asked: list[str], replaced: bool) -> None:
    """One row per answered question of the forms just loaded, replacing those forms' old answers
    (when `replaced`: some of the forms were loaded before). `load_of`: SQL for a row's load_id."""
    parent = spec.natural_key[0]
    scale_min, scale_max = config.service(service).evaluation_scale
    if replaced:
        drop_earlier_versions(con, spec.questions.table, service, (parent,))
    if not asked:
        return
    con.execute(  # UNPIVOT leaves out unanswered (null) questions
        f"""INSERT INTO {spec.questions.table}
            SELECT ?, {parent}, question, rating, ?, ?, {load_of}
            FROM (UNPIVOT (SELECT {FILE}, {parent}, {", ".join(asked)} FROM v_rows)
                  ON {", ".join(asked)} INTO NAME question VALUE rating)""",
        [service, scale_min, scale_max],
    )


def _store_labels(
    con, spec, service: str, service_of: str, results: dict[int, LoadResult], load_of: str, replaced: bool
) -> None:
    """The loaded rows' labels (service_of, load_of: SQL for a row's service and load_id),
    replacing the earlier labels of the service's records loaded before (when `replaced`); the
    labels that mapped to nothing, as stored (redacted), counted into each file's result, and
    the label columns none of whose labels in a file mapped."""
    key = spec.natural_key[0]
    if replaced:
        drop_earlier_versions(con, spec.labels_table, service, (key,))
    con.execute(
        f"INSERT INTO {spec.labels_table} "
        f"SELECT {service_of}, {key}, field, raw_label, label, code, list, {load_of} FROM v_labels"
    )
    if not con.execute("SELECT count(*) FROM v_label_pairs WHERE label = ?", [UNMAPPED]).fetchall()[0][0]:
        return
    of_load = {result.load_id: result for result in results.values()}
    loads = ", ".join(str(load) for load in of_load)
    found = con.execute(
        f"""SELECT load_id, field, raw_label, count(*) FROM {spec.labels_table}
            WHERE load_id IN ({loads}) AND label = ? GROUP BY ALL""",
        [UNMAPPED],
    ).fetchall()
    for load, field_, raw, n in found:
        of_load[load].unmapped[(field_, raw)] = n
    none_mapped = con.execute(
        f"""SELECT load_id, field FROM {spec.labels_table} WHERE load_id IN ({loads})
            GROUP BY ALL HAVING bool_and(label = ?) ORDER BY ALL""",
        [UNMAPPED],
    ).fetchall()
    for load, field_ in none_mapped:
        of_load[load].all_unmapped.append(field_)


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
        _write(con, {0: result}, {0: service}, spec, headers, checked, own_transaction, replace)
    finally:
        release(con)
        staging.drop(con)
    return result


@dataclass(frozen=True)
class Source:
    """One file of a load together: where it is, its sha256, and the service it is for."""

    path: Path
    sha256: str
    service: str


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: list[Source],
    kind: str,
    shape: staging.CsvShape,
    today: date | None = None,
) -> list[LoadResult] | None:
    """Load plain CSVs of one kind and shape (staging.csv_shape), in load order, as load_file
    would one by one with replace=False and the caller's transaction, but staged and validated
    together: the statements' fixed costs are paid once for them all. They may be of several
    services when those read files alike: none has a mapping file of its own, and the kind asks
    no rating questions (whose scale is the service's); the caller (ingest.batches) sees to it.

    None, having written nothing, when they cannot go together: one was loaded before, needs the
    careful reader or has no data rows; a column the contract does not know is judged otherwise
    in one file than another (on each file's own values); or the header is refused. Load each
    alone then: it loads, or says why not."""
    services = {at: file.service for at, file in enumerate(files)}
    for service in set(services.values()):
        config.service(service)
    spec = contract(kind, files[0].service)
    if con.execute(
        "SELECT count(*) FROM loads WHERE kind = ? AND (sha256, service) IN (SELECT unnest(?), unnest(?))",
        [kind, [f.sha256 for f in files], [f.service for f in files]],
    ).fetchall()[0][0]:
        return None
    staged = staging.stage_many(con, [file.path for file in files], shape)
    if staged is None:
        return None
    try:
        # A header the contract does not know is judged on each file's own values; the files go
        # together only when every one of them is read alike.
        values = cache(lambda at: staging.file_values(con, at))
        understood = [
            map_headers(spec, staged.headers, values=lambda at, f=at_file: values(at).get(f, _NONE))
            for at_file in services
        ]
        headers = understood[0]
        if any(_read_alike(other) != _read_alike(headers) for other in understood[1:]):
            return None
        try:
            require_columns(spec, staged.headers, headers)
            checked = validate(con, staged, spec, headers, today or date.today(), files[0].service, services)
        except ExtractError:
            return None
        results = {at: LoadResult(file_name=f.path.name, sha256=f.sha256) for at, f in enumerate(files)}
        _write(con, results, services, spec, headers, checked, own_transaction=False, replace=False)
    finally:
        release(con)
        staging.drop(con)
    return list(results.values())


_NONE = pl.Series([], dtype=pl.String)  # a file with no filled cell in a column


def _read_alike(headers: HeaderMap) -> tuple:
    """What a load keeps of how a file's headers were understood (not why a column is personal)."""
    matches = [(m.position, m.header, m.how, m.column, m.names) for m in headers.matches]
    return (headers.canonical, headers.personal, headers.names, headers.unknown, headers.questions, matches)


def _write(
    con,
    results: dict[int, LoadResult],
    services: dict[int, str],
    spec,
    headers,
    checked,
    own_transaction: bool,
    replace: bool,
) -> None:
    """Record each staged file's load (results: FILE -> its result, filled in here; services:
    FILE -> its service), rejects, rows, ratings and labels in one transaction (the caller's,
    unless own_transaction); with `replace` (one file), records loaded before first go."""
    service = services[0]  # (the rating scale: files of one service when the kind has questions)
    samples = sample_hashes()
    rejects = checked.rejects.partition_by("file", as_dict=True, include_key=True)
    absent = [c.name for c in spec.columns if not c.required and c.name not in headers.canonical]
    for at, result in results.items():
        mine = rejects.get((at,), checked.rejects.clear())
        result.rows_in, result.rows_loaded = checked.counts.get(at, (0, 0))
        result.rows_rejected = mine.height
        result.reasons = Counter(mine["reason"].to_list())
        result.dropped_unknown = headers.unknown
        result.is_sample = result.sha256 in samples
        result.absent = absent
    if own_transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        columns = [
            _safe([m.header for m in headers.matches if m.column is None]),
            _safe(headers.unknown),
            _safe(headers.personal),
            sorted(headers.canonical),
        ]
        for at, result in results.items():
            result.load_id = con.execute(
                """INSERT INTO loads (service, kind, file_name, sha256, is_sample, loaded_at,
                                      rows_in, rows_loaded, rows_rejected, columns_dropped,
                                      columns_unknown, columns_personal, columns_mapped)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING load_id""",
                [
                    services[at],
                    spec.kind,
                    result.file_name,
                    result.sha256,
                    result.is_sample,
                    datetime.now(),
                    result.rows_in,
                    result.rows_loaded,
                    result.rows_rejected,
                    *columns,
                ],
            ).fetchall()[0][0]
        load_ids = {at: str(r.load_id) for at, r in results.items()}
        load_of = by_file(FILE, load_ids)
        service_of = by_file(FILE, {at: lit(s) for at, s in services.items()})
        if checked.rejects.height:
            db.register(con, "new_rejects", checked.rejects)
            try:
                con.execute(
                    f"""INSERT INTO rejects SELECT {by_file("file", load_ids)}, row_number, reason,
                               detail, row_values FROM new_rejects ORDER BY file, row_number"""
                )
            finally:
                con.unregister("new_rejects")
        # upsert by natural key
        replaced = replace and drop_earlier_versions(con, spec.table, service, spec.natural_key)
        con.execute(
            f"INSERT INTO {spec.table} (service, {', '.join(checked.stored)}, load_id) "
            f"SELECT {service_of}, {', '.join(checked.stored)}, {load_of} FROM v_rows "
            f"ORDER BY {FILE}, {ROW}"  # (in file order)
        )
        if spec.questions:
            _store_ratings(con, spec, service, load_of, checked.questions, replaced)
        if checked.has_labels:
            _store_labels(con, spec, service, service_of, results, load_of, replaced)
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise
