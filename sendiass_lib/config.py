"""Where things live (project paths, with environment overrides) and the service config files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_project_root() -> Path:
    """The project checkout: $SENDIASS_HOME, else the folder holding this package's pyproject.toml."""
    if home := os.environ.get("SENDIASS_HOME"):
        return Path(home).resolve()
    if (PACKAGE_DIR.parent / "pyproject.toml").is_file():
        return PACKAGE_DIR.parent
    return Path.cwd()


PROJECT_ROOT = _find_project_root()
RAW_DIR = PROJECT_ROOT / "data" / "raw"
SAMPLE_DIR = Path(os.environ.get("SENDIASS_SAMPLE_DIR", PROJECT_ROOT / "data" / "sample"))
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SERVICES_DIR = Path(os.environ.get("SENDIASS_SERVICES_DIR", PACKAGE_DIR / "services"))
KERNEL_NAME = "sendiass"


def db_path() -> Path:
    """The database notebooks and commands use: $SENDIASS_DB, else data/processed/sendiass.duckdb.

    A relative $SENDIASS_DB is relative to the project root, so a kernel running in notebooks/
    finds the same file as `make` does.
    """
    path = Path(os.environ.get("SENDIASS_DB", PROCESSED_DIR / "sendiass.duckdb"))
    return path if path.is_absolute() else PROJECT_ROOT / path


class UnknownServiceError(ValueError):
    """A service slug with no config file; the message lists the valid ones."""


@dataclass(frozen=True)
class Service:
    """One SENDIASS as described by its config file."""

    slug: str
    name: str
    area: str
    reporting_year: str
    evaluation_scale: tuple[int, int] = (1, 4)  # lowest and highest rating on its forms
    reports_from: int | None = None  # first YEAR with a report; earlier records are carry-overs
    fte_advisers: dict[int, float] = field(default_factory=dict)  # staffing by YEAR
    disclosure: dict | str | bool | None = None  # small-number rule (disclosure.py); "off": internal
    tribunal_estimate: dict | None = None  # share and cost for metrics/tribunals.py; None: no estimate


@cache
def services() -> dict[str, Service]:
    """All services, by slug, read from the config files in SERVICES_DIR."""
    found: dict[str, Service] = {}
    for path in sorted(SERVICES_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        slug = raw.get("slug", path.stem)
        if slug != path.stem:
            raise ValueError(f"{path}: slug '{slug}' must match the file name '{path.stem}'")
        found[slug] = Service(
            slug=slug,
            name=str(raw["name"]),
            area=str(raw.get("area", raw["name"])),
            reporting_year=str(raw.get("reporting_year", "calendar")),
            evaluation_scale=tuple(raw.get("evaluation_scale", (1, 4))),
            reports_from=raw.get("reports_from"),
            disclosure=raw.get("disclosure"),
            tribunal_estimate=raw.get("tribunal_estimate"),
            fte_advisers={
                int(y): float(v) for y, v in (raw.get("staffing") or {}).get("fte_advisers", {}).items()
            },
        )
    return found


def service(slug: str, period: str | None = None) -> Service:
    """The service with this slug, or an error that names the valid slugs.

    `period` ('calendar', 'financial', 'academic' or a start 'MM-DD') asks for the service's figures
    over years of that kind instead of its own reporting year: every metric passes its `period` here.
    """
    known = services()
    if slug not in known:
        raise UnknownServiceError(f"unknown service '{slug}'; valid: {', '.join(sorted(known))}")
    if period is None or period == known[slug].reporting_year:
        return known[slug]
    from .periods import parse_start  # periods imports this module

    parse_start(period, "period")  # a bad rule fails here, naming the valid ones
    return replace(known[slug], reporting_year=period)
