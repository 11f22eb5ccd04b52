"""Where things live (project paths, with environment overrides) and the service config files.

A service file is checked against a strict schema (service_schema.py) as it is read: an unknown key,
a misspelt setting or a value of the wrong kind stops with one line naming the file, the key and what
is allowed there, instead of falling back to a default unnoticed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import service_schema
from .service_schema import DisclosureSettings
from .service_schema import ServiceFileError as ServiceFileError  # a file that breaks the schema

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
    joint_channels: tuple[str, ...] = ()  # digital channels shared with another service (scope joint)


@cache
def services() -> dict[str, Service]:
    """All services, by slug, from the *.yaml files directly in SERVICES_DIR (not its subfolders)."""
    return {
        path.stem: read_service_file(path) for path in sorted(SERVICES_DIR.glob("*.yaml")) if path.is_file()
    }


def read_service_file(path: Path) -> Service:
    """The service a file describes, or a ServiceFileError naming the file, the key and what is allowed."""
    settings = service_schema.load(path, _shown(path))
    rule = settings.disclosure  # settings, None (the defaults) or off
    if isinstance(rule, DisclosureSettings):
        rule = rule.model_dump()
    estimate = settings.tribunal_estimate
    return Service(
        slug=path.stem,
        name=settings.name,
        area=settings.area or settings.name,
        reporting_year=settings.reporting_year,
        evaluation_scale=settings.evaluation_scale,
        reports_from=settings.reports_from,
        fte_advisers=dict(settings.staffing.fte_advisers) if settings.staffing else {},
        disclosure="off" if rule is False else rule,
        tribunal_estimate=estimate.model_dump(exclude_none=True) if estimate else None,
        joint_channels=tuple(settings.joint_channels),
    )


def service(slug: str) -> Service:
    """The service with this slug, as its file describes it, or an error that names the valid slugs."""
    known = services()
    if slug not in known:
        raise UnknownServiceError(f"unknown service '{slug}'; valid: {', '.join(sorted(known))}")
    return known[slug]


def _shown(path: Path) -> Path:
    """A path as a user would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
