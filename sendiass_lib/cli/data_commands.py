"""`sendiass data`, `load`, `check`, `rejects`: extracts into the database, one file checked before
its first load, and the rows a load rejected. Also what `report`, `reports` and `lab` do first:
bring the database up to date when anything it is built from changed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .. import config
from .common import DB_HELP, FAILED, USAGE_ERROR, print_warnings


def add_parsers(sub) -> None:
    """Add `data`, `load`, `check` and `rejects` to the commands."""
    p = sub.add_parser("data", help="load data/raw/<service>/ (or the sample) into the database")
    p.add_argument("--db", type=Path, help=DB_HELP)
    p.add_argument(
        "--source",
        choices=("auto", "raw", "sample"),
        default="auto",
        help="auto: data/raw/<service>/ where it holds extracts, else the sample",
    )
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.set_defaults(run=lambda args: load_extracts(args.db or config.db_path(), args.source, args.quiet))

    p = sub.add_parser("load", help="load one extract file")
    p.add_argument("file", type=Path)
    p.add_argument("--service", required=True, help=f"one of: {', '.join(config.services())}")
    p.add_argument("--kind", default="involvements", help="extract kind (default: involvements)")
    p.add_argument(
        "--sheet", help="XLSX: the worksheet to load (default: the first whose top rows hold a header)"
    )
    p.add_argument("--db", type=Path, help=DB_HELP)
    p.set_defaults(run=_load)

    p = sub.add_parser(
        "check",
        help="check an extract before its first load: headers, labels, dates, rejects (writes no data)",
    )
    p.add_argument("file", type=Path)
    p.add_argument("--service", help="the service (default: <service> for a file in data/raw/<service>/)")
    p.add_argument("--kind", help="extract kind (default: from the file name)")
    p.add_argument(
        "--suggest",
        action="store_true",
        help="print lines for the service's mapping file: unknown headers and unmapped labels",
    )
    p.add_argument(
        "--write-mapping", action="store_true", help="add those lines to the service's mapping file"
    )
    p.add_argument("--sheet", help="the worksheet to read (default: the first that holds a header)")
    p.add_argument("--out", type=Path, help="outputs folder (default: outputs/); the page goes in _check/")
    p.set_defaults(run=_check)

    p = sub.add_parser("rejects", help="show rejected rows: counts per load, or one load's rows")
    p.add_argument("--load", type=int, help="a load_id (see the counts without --load)")
    p.add_argument("--db", type=Path, help=DB_HELP)
    p.set_defaults(run=_rejects)


def load_extracts(db_path: Path, source: str = "auto", quiet: bool = False) -> int:
    """`sendiass data`: make the database match the extracts (ingest/build.py), say what it did and
    what to check; on success mark it up to date for `up_to_date`."""
    from ..availability import appendices
    from ..ingest import freshness
    from ..ingest.build import build

    started = time.perf_counter()
    report = build(db_path, source=source, progress=None if quiet else print)
    for line in report.skipped:
        print(f"sendiass: skipped {line}", file=sys.stderr)
    for line in report.failures:
        said = line if line.startswith("data check failed") else f"could not load {line}"
        print(f"sendiass: {said}", file=sys.stderr)
    if not quiet:
        loaded = sum(not r.already_loaded for r in report.results)
        how = "rebuilt" if report.rebuilt else "updated"
        sources = ", ".join(f"{s}: {o}" for s, o in report.sources.items())
        print(
            f"{db_path}: {how}, {loaded} file(s) loaded in {time.perf_counter() - started:.1f} s"
            f" (extracts from {sources})"
        )
    shown = {column for page in appendices() for column in page.shows}
    print_warnings([w for r in report.results if not r.is_sample for w in r.warnings(shown)])
    if report.failures:
        checks = [f for f in report.failures if f.startswith("data check failed")]
        kept = "left as it was" if report.rebuilt or checks else "has every other file"
        what = (
            f"{len(checks)} data check(s) failed"
            if checks
            else f"{len(report.failures)} file(s) could not be loaded"
        )
        print(f"sendiass: {what}; the database {kept}", file=sys.stderr)
        return FAILED
    freshness.mark_fresh(db_path)
    return 0


def up_to_date(db_path: Path) -> int:
    """Load the extracts (as `sendiass data` does) when the database is missing or older than anything
    it is built from (ingest/freshness.py); 0, or the exit code of a load that failed."""
    from ..ingest import freshness

    return load_extracts(db_path) if freshness.stale(db_path) else 0


def _load(args) -> int:
    from .. import db
    from ..ingest.load import load_file

    with db.connect(args.db, read_only=False) as con:
        result = load_file(con, args.file, args.service, args.kind, sheet=args.sheet)
    print(result.summary())
    print_warnings(result.warnings())
    return 0


def _check(args) -> int:
    """`check`: report on one extract as loading it would find it, write the private page, and
    print or write mapping suggestions. Never opens the database."""
    from ..ingest import check, check_report, mapping, suggest
    from ..ingest.build import kind_of
    from ..ingest.contract import kinds

    path = args.file
    if not path.is_file():
        print(f"sendiass: no such file: {path}", file=sys.stderr)
        return USAGE_ERROR
    service = args.service or check.service_of(path)
    if service is None:
        print(
            f"sendiass: give --service (one of: {', '.join(config.services())}); "
            f"{path.name} is not in data/raw/<service>/",
            file=sys.stderr,
        )
        return USAGE_ERROR
    kind = args.kind or kind_of(path)
    result = check.check_download(path, service) if kind is None else None
    if kind is None and result is None:
        from ..ingest import native

        print(
            f"sendiass: cannot tell the extract kind from the name '{path.name}'; "
            f"give --kind (one of: {', '.join(kinds())}); it is not a download the workbench "
            f"recognises either (looked for: {native.looked_for()})",
            file=sys.stderr,
        )
        return USAGE_ERROR
    if result is None:
        result = check.check_file(path, service, kind, sheet=args.sheet)
    print(check_report.terminal(result))
    page = check_report.write_page(result, args.out)
    if args.suggest or args.write_mapping:
        print(f"\n{check_report.suggestions(result, mapping.mapping_path(service))}", end="")
    if args.write_mapping and result.suggested:
        written = mapping.write(service, *suggest.as_mapping(result.suggested))
        print(f"wrote {written}: {len(result.suggested)} suggested line(s); entries it had already were kept")
    print(f"\npage (not for publication): {page}")
    if not result.ok:
        missing = ", ".join(name for name, _ in result.missing)
        print(f"sendiass: {path.name} cannot be loaded: missing required column {missing}", file=sys.stderr)
        return FAILED
    return 0


def _rejects(args) -> int:
    from .. import db

    with db.connect(args.db) as con:
        if args.load is None:
            rows = con.execute(
                """SELECT l.load_id, l.service, l.file_name, r.reason, count(*)
                   FROM rejects r JOIN loads l USING (load_id)
                   GROUP BY ALL ORDER BY l.load_id, count(*) DESC, r.reason"""
            ).fetchall()
            print(_text_table(["load", "service", "file", "reason", "rows"], rows))
            return 0
        known = [n for (n,) in con.execute("SELECT load_id FROM loads ORDER BY 1").fetchall()]
        if args.load not in known:
            valid = ", ".join(map(str, known)) or "none"
            print(f"sendiass: no load {args.load}; loads: {valid}", file=sys.stderr)
            return USAGE_ERROR
        rows = con.execute(
            "SELECT row_number, reason, detail, row_values FROM rejects WHERE load_id = ? "
            "ORDER BY row_number",
            [args.load],
        ).fetchall()
    print(_text_table(["row", "reason", "detail", "values"], rows))
    return 0


def _text_table(header: list[str], rows: list[tuple]) -> str:
    """Rows as aligned plain-text columns, or a line saying there are none."""
    if not rows:
        return "no rejected rows"
    cells = [header, *[["" if v is None else str(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)
