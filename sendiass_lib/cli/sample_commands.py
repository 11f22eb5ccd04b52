"""`sendiass sample`: the synthetic extracts, for the bundled services, a new service, or at scale."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from .. import config
from ..sample import scale_presets as sample_presets
from .common import USAGE_ERROR


def add_parsers(sub) -> None:
    """Add `sample` to the commands."""
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


def _sample(args) -> int:
    from ..sample import committed, new_service

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

    from ..sample import scale

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
