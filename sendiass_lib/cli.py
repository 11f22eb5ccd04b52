"""The `sendiass` command: sample, data, load, check, rejects, report, reports, baselines.

Errors are one line, never a trace."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date
from pathlib import Path

from . import config
from .sample import scale_presets as sample_presets

USAGE_ERROR, FAILED = 2, 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `sendiass` console script."""
    logging.basicConfig(level=logging.WARNING, format="sendiass: %(message)s")
    from .db import DatabaseBusyError, DatabaseMissingError
    from .ingest.errors import ExtractError
    from .publish import NoDataError

    try:
        args = _parser().parse_args(argv)  # the parser lists the services: it reads their files
        return args.run(args)
    except (config.UnknownServiceError, config.ServiceFileError, NoDataError) as exc:
        print(f"sendiass: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except (ExtractError, DatabaseBusyError, DatabaseMissingError) as exc:
        print(f"sendiass: {exc}", file=sys.stderr)
        return FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sendiass", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    db_help = "database file (default: $SENDIASS_DB or data/processed/sendiass.duckdb)"

    p = sub.add_parser("sample", help="write the synthetic sample extracts to data/sample/")
    p.add_argument(
        "--out",
        type=Path,
        help="folder to write to (default: data/sample; with --scale: data/scale/<preset>)",
    )
    only = p.add_mutually_exclusive_group()
    only.add_argument(
        "--service",
        help="only this service, with uncalibrated involvements (for a service added as a config file)",
    )
    only.add_argument(
        "--scale",
        choices=sorted(sample_presets()),
        help="synthetic services and involvements at this scale, for benchmarks (loads with the "
        "commands it prints)",
    )
    p.add_argument(
        "--years",
        type=int,
        nargs="+",
        help="with --service: the years to make (default: last two); with --scale: how many years",
    )
    p.add_argument("--services", type=int, help="with --scale: how many services")
    p.add_argument("--per-year", type=int, help="with --scale: involvements per service a year, on average")
    p.set_defaults(run=_sample)

    p = sub.add_parser("data", help="load data/raw/<service>/ (or the sample) into the database")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument(
        "--source",
        choices=("auto", "raw", "sample"),
        default="auto",
        help="auto: data/raw/<service>/ where it holds extracts, else the sample",
    )
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.set_defaults(run=_data)

    p = sub.add_parser("load", help="load one extract file")
    p.add_argument("file", type=Path)
    p.add_argument("--service", required=True, help=f"one of: {', '.join(config.services())}")
    p.add_argument("--kind", default="involvements", help="extract kind (default: involvements)")
    p.add_argument(
        "--sheet", help="XLSX: the worksheet to load (default: the first whose top rows hold a header)"
    )
    p.add_argument("--db", type=Path, help=db_help)
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
    p.add_argument("--db", type=Path, help=db_help)
    p.set_defaults(run=_rejects)

    p = sub.add_parser("report", help="build the appendices for one service and year")
    p.add_argument("--service", required=True, help=f"one of: {', '.join(config.services())}")
    p.add_argument("--year", required=True, type=int, help="the year the service's reporting year starts in")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--out", type=Path, help="outputs folder (default: outputs/)")
    p.add_argument("--force", action="store_true", help="rebuild pages that are up to date")
    p.set_defaults(run=_report)

    p = sub.add_parser("reports", help="build every service and year that has data, and outputs/index.html")
    p.add_argument("--db", type=Path, help=db_help)
    p.add_argument("--out", type=Path, help="outputs folder (default: outputs/)")
    p.add_argument("--force", action="store_true", help="rebuild pages that are up to date")
    p.set_defaults(run=_reports)

    p = sub.add_parser("baselines", help="re-run the notebooks in place on the sample (nbval baseline)")
    p.add_argument("names", nargs="*", help="only these notebooks (e.g. reasons); default: all")
    p.set_defaults(run=_baselines)
    from .narrative.commands import add_parsers  # figures, narrative

    add_parsers(sub)
    return parser


def _sample(args) -> int:
    from .sample import committed, new_service

    if args.scale:
        return _sample_scale(args)
    if args.services is not None or args.per_year is not None:
        print("sendiass: --services and --per-year need --scale", file=sys.stderr)
        return USAGE_ERROR
    if args.service:
        this_year = date.today().year
        years = args.years or [this_year - 2, this_year - 1]
        try:
            paths = new_service.write(args.service, years, args.out)
        except new_service.CalibratedServiceError as exc:
            print(f"sendiass: {exc}", file=sys.stderr)
            return USAGE_ERROR
    else:
        paths = committed.generate(args.out)
    for path in paths:
        print(f"wrote {path}")
    return 0


def _sample_scale(args) -> int:
    """`sample --scale`: write a preset (as overridden) and print how to load and report on it."""
    import shlex

    from .sample import scale

    preset = dict(sample_presets()[args.scale])
    if args.years is not None:
        if len(args.years) != 1:
            print("sendiass: with --scale, --years is one number (how many years)", file=sys.stderr)
            return USAGE_ERROR
        preset["years"] = args.years[0]
    for name in ("services", "per_year"):
        if getattr(args, name) is not None:
            preset[name] = getattr(args, name)
    if min(preset.values()) < 1:
        print("sendiass: --services, --years and --per-year must each be at least 1", file=sys.stderr)
        return USAGE_ERROR
    out = (args.out or config.PROJECT_ROOT / "data" / "scale" / args.scale).resolve()
    started = time.perf_counter()
    try:
        written = scale.write(out, **preset)
    except scale.ScaleDirError as exc:
        print(f"sendiass: {exc}", file=sys.stderr)
        return USAGE_ERROR
    seconds = time.perf_counter() - started
    size = sum(path.stat().st_size for path in written.files)
    print(
        f"wrote {out}: {preset['services']} services x {preset['years']} years,"
        f" {written.rows:,} involvements, {len(written.files):,} files, {size / 1e6:,.1f} MB"
        f" in {seconds:.1f} s"
    )
    env = (
        f"SENDIASS_SERVICES_DIR={shlex.quote(str(written.services_dir))} "
        f"SENDIASS_SAMPLE_DIR={shlex.quote(str(written.sample_dir))}"
    )
    db_file = shlex.quote(str(out / f"{args.scale}.duckdb"))
    first = sorted(p.stem for p in written.services_dir.glob("*.yaml"))[0]
    print("load it:")
    print(f"  {env} sendiass data --source sample --db {db_file}")
    print("build a report from it:")
    print(
        f"  {env} sendiass report --service {first} --year {written.last_year} --db {db_file}"
        f" --out {shlex.quote(str(out / 'outputs'))}"
    )
    return 0


def _data(args) -> int:
    from .ingest.build import build

    db_path = args.db or config.db_path()
    started = time.perf_counter()
    report = build(db_path, source=args.source, progress=None if args.quiet else print)
    for line in report.skipped:
        print(f"sendiass: skipped {line}", file=sys.stderr)
    for line in report.failures:
        said = line if line.startswith("data check failed") else f"could not load {line}"
        print(f"sendiass: {said}", file=sys.stderr)
    if not args.quiet:
        loaded = sum(not r.already_loaded for r in report.results)
        how = "rebuilt" if report.rebuilt else "updated"
        sources = ", ".join(f"{s}: {o}" for s, o in report.sources.items())
        print(
            f"{db_path}: {how}, {loaded} file(s) loaded in {time.perf_counter() - started:.1f} s"
            f" (extracts from {sources})"
        )
    from .availability import appendices

    shown = {column for page in appendices() for column in page.shows}
    _print_warnings([w for r in report.results if not r.is_sample for w in r.warnings(shown)])
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
    return 0


def _print_warnings(lines: list[str]) -> None:
    """A block at the end of a command's output: what to look at before publishing."""
    if lines:
        print(
            "sendiass: check these before publishing (the data-quality page lists them too):", file=sys.stderr
        )
        for line in lines:
            print(f"  - {line}", file=sys.stderr)


def _load(args) -> int:
    from . import db
    from .ingest.load import load_file

    with db.connect(args.db, read_only=False) as con:
        result = load_file(con, args.file, args.service, args.kind, sheet=args.sheet)
    print(result.summary())
    _print_warnings(result.warnings())
    return 0


def _check(args) -> int:
    """`check`: report on one extract as loading it would find it, write the private page, and
    print or write mapping suggestions. Never opens the database."""
    from .ingest import check, check_report, mapping, suggest
    from .ingest.build import kind_of
    from .ingest.contract import kinds

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
        from .ingest import native

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
    from . import db

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


def _report(args) -> int:
    from .publish import build_report

    started = time.perf_counter()
    result = build_report(args.service, args.year, db_path=args.db, out_dir=args.out, force=args.force)
    for failure in result.failures:
        print(f"sendiass: failed {failure}", file=sys.stderr)
    from . import db
    from .metrics import quality
    from .views import quality as quality_view

    with db.connect(args.db) as con:
        _print_warnings(quality_view.warning_lines(quality.warnings(con, args.service, args.year)))
    print(
        f"{len(result.built)} built, {len(result.up_to_date)} up to date, "
        f"{len(result.failures)} failed in {time.perf_counter() - started:.1f} s; "
        f"open {result.index}"
    )
    return FAILED if result.failures else 0


def _reports(args) -> int:
    from .publish import build_all

    started = time.perf_counter()
    result = build_all(db_path=args.db, out_dir=args.out, force=args.force)
    for failure in result.failures:
        print(f"sendiass: failed {failure}", file=sys.stderr)
    print(
        f"{result.built} built, {result.up_to_date} up to date, {len(result.failures)} failed "
        f"in {time.perf_counter() - started:.1f} s; open {result.index}"
    )
    return FAILED if result.failures else 0


def _baselines(args) -> int:
    from .publish import refresh_baselines

    refresh_baselines(names=args.names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
