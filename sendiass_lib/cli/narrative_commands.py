"""`sendiass figures` (every figure name with its value for a service-year) and `sendiass narrative`
(write a starter narrative to edit), added to the `sendiass` command by `add_parsers`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import config
from .common import DB_HELP, FAILED, USAGE_ERROR


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the two commands to the `sendiass` parser's subcommands."""
    for name, run, text in (
        (
            "figures",
            _figures,
            "print every figure name a narrative may use, with its value for a service-year",
        ),
        ("narrative", _narrative, "write a starter narrative to data/raw/<service>/narrative/<year>.md"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--service", required=True, help=f"one of: {', '.join(config.services())}")
        p.add_argument(
            "--year", required=True, type=int, help="the year the service's reporting year starts in"
        )
        p.add_argument("--db", type=Path, help=DB_HELP)
        p.set_defaults(run=run)


def _figures(args: argparse.Namespace) -> int:
    from .. import db
    from ..narrative.catalogue import catalogue, example, value
    from ..narrative.figure import FigureProblem, call_text
    from ..narrative.render import NarrativeError, check_request
    from ..narrative.sources import Sources

    with db.connect(args.db) as con:
        try:
            check_request(con, args.service, args.year)
        except NarrativeError as exc:
            print(f"sendiass: {exc}", file=sys.stderr)
            return USAGE_ERROR
        sources = Sources(con, args.service, args.year)
        rows = []
        for figure in catalogue().values():
            written = figure.signature
            try:
                arguments = example(sources, figure)
                written = call_text(figure.name, arguments)
                text = value(sources, figure.name, arguments)
            except FigureProblem as exc:
                text = f"{exc.symbol or '[x]'}  {exc}"
            rows.append((written, text))
    print(f"Figures for {sources.where} (docs/narrative.md says what each means):")
    width = max(len(written) for written, _ in rows)
    for written, text in rows:
        print(f"{{{{ {written} }}}}".ljust(width + 8) + text)
    return 0


def _narrative(args: argparse.Namespace) -> int:
    from .. import db
    from ..narrative import starter
    from ..narrative.render import NarrativeError, narrative_file, shown

    with db.connect(args.db) as con:
        try:
            path = starter.write(con, args.service, args.year)
        except NarrativeError as exc:
            print(f"sendiass: {exc}", file=sys.stderr)
            return USAGE_ERROR
        except FileExistsError as exc:
            print(f"sendiass: {exc}", file=sys.stderr)
            return FAILED
        read = narrative_file(con, args.service, args.year)
    print(f"wrote {shown(path)}: a starter narrative to edit (docs/narrative.md says how)")
    if read != path:
        print(
            f"note: the database holds the sample's extracts for {args.service}, so reports read "
            f"{shown(read)} until data/raw/{args.service}/ holds the service's own extracts"
        )
    return 0
