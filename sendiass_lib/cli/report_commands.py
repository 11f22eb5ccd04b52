"""`sendiass report`, `reports`, `baselines`: the published pages, each report first bringing the
database up to date with the extracts; and the notebooks' stored outputs (nbval's baseline)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .. import config, groups
from .common import DB_HELP, FAILED, print_warnings
from .data_commands import load_extracts, up_to_date

SAMPLE_DB = Path("data") / "processed" / "sample.duckdb"  # relative to the project, as make passes it


def add_parsers(sub) -> None:
    """Add `report`, `reports` and `baselines` to the commands."""
    p = sub.add_parser(
        "report",
        help="build one service and year: its appendices and the report that holds them",
    )
    joint = ", ".join(f"{g.slug} ({' and '.join(g.members)})" for g in groups.groups().values())
    p.add_argument(
        "--service",
        required=True,
        help=f"one of: {', '.join(config.services())}; or a group, for its joint report: {joint or 'none'}",
    )
    p.add_argument("--year", required=True, type=int, help="the year the service's reporting year starts in")
    p.add_argument("--db", type=Path, help=f"{DB_HELP}; loaded first when older than the extracts")
    p.add_argument("--out", type=Path, help="outputs folder (default: outputs/)")
    p.add_argument("--force", action="store_true", help="rebuild pages that are up to date")
    p.add_argument(
        "--pages-only", action="store_true", help="build the appendix pages and index, not report.html"
    )
    p.set_defaults(run=_report)

    p = sub.add_parser("reports", help="build every service and year that has data, and outputs/index.html")
    p.add_argument("--db", type=Path, help=f"{DB_HELP}; loaded first when older than the extracts")
    p.add_argument("--out", type=Path, help="outputs folder (default: outputs/)")
    p.add_argument("--force", action="store_true", help="rebuild pages that are up to date")
    p.add_argument(
        "--latest",
        action="store_true",
        help="only each service's (and group's) latest year with data; other years built before stay listed",
    )
    p.set_defaults(run=_reports)

    p = sub.add_parser(
        "baselines", help="load the sample and re-run the notebooks in place on it (nbval's baseline)"
    )
    p.add_argument("names", nargs="*", help="only these notebooks (e.g. reasons); default: all")
    p.set_defaults(run=_baselines)


def _report(args) -> int:
    from ..publish import build_report

    groups.check_slug(args.service)  # an unknown one is refused, naming the valid ones, before any load
    db_path = args.db or config.db_path()
    if failed := up_to_date(db_path):
        return failed
    started = time.perf_counter()
    result = build_report(
        args.service,
        args.year,
        db_path=db_path,
        out_dir=args.out,
        force=args.force,
        document=not args.pages_only,
    )
    for failure in result.failures:
        print(f"sendiass: failed {failure}", file=sys.stderr)
    from .. import db
    from ..metrics import quality
    from ..views import quality as quality_view

    with db.connect(db_path) as con:
        for service in groups.members(args.service):
            print_warnings(quality_view.warning_lines(quality.warnings(con, service, args.year)))
    print(
        f"{len(result.built)} built, {len(result.up_to_date)} up to date, "
        f"{len(result.failures)} failed in {time.perf_counter() - started:.1f} s; "
        f"open {result.document or result.index}"
    )
    return FAILED if result.failures else 0


def _reports(args) -> int:
    from ..publish import build_all

    db_path = args.db or config.db_path()
    if failed := up_to_date(db_path):
        return failed
    started = time.perf_counter()
    result = build_all(db_path=db_path, out_dir=args.out, force=args.force, latest=args.latest)
    for failure in result.failures:
        print(f"sendiass: failed {failure}", file=sys.stderr)
    print(
        f"{result.built} built, {result.up_to_date} up to date, {len(result.failures)} failed "
        f"in {time.perf_counter() - started:.1f} s (planning {result.planning:.1f} s), "
        f"{result.documents} reports; open {result.index}"
    )
    return FAILED if result.failures else 0


def _baselines(args) -> int:
    """Load the sample into its own database, then re-run the notebooks on it (as `make test` checks them)."""
    from ..publish import refresh_baselines

    if failed := load_extracts(config.PROJECT_ROOT / SAMPLE_DB, source="sample", quiet=True):
        return failed
    os.environ["SENDIASS_DB"] = str(SAMPLE_DB)  # for the kernels it starts (relative to the project)
    refresh_baselines(names=args.names)
    return 0
