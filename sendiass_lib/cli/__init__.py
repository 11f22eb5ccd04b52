"""The `sendiass` command: every step of the workbench, from loading extracts to building the pages,
testing and cleaning up, so each runs the same with or without make (the Makefile's targets only
call these commands). Errors are one line, never a trace."""

from __future__ import annotations

import argparse
import logging
import sys

from .. import config
from . import data_commands, narrative_commands, project_commands, report_commands, sample_commands
from .common import FAILED, USAGE_ERROR


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `sendiass` console script."""
    logging.basicConfig(level=logging.WARNING, format="sendiass: %(message)s")
    from ..db import DatabaseBusyError, DatabaseMissingError
    from ..ingest.errors import ExtractError
    from ..publish import NoDataError

    try:
        parser = parser_for_commands()  # it lists the services: it reads their files
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "passes_on", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.extra = extra
        return args.run(args)
    except (config.UnknownServiceError, config.ServiceFileError, NoDataError) as exc:
        print(f"sendiass: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except (ExtractError, DatabaseBusyError, DatabaseMissingError) as exc:
        print(f"sendiass: {exc}", file=sys.stderr)
        return FAILED


def parser_for_commands() -> argparse.ArgumentParser:
    """The parser of every command: `sendiass --help` lists them, `sendiass COMMAND --help` its options."""
    parser = argparse.ArgumentParser(prog="sendiass", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for commands in (sample_commands, data_commands, report_commands, narrative_commands, project_commands):
        commands.add_parsers(sub)
    return parser
