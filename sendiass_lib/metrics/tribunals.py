"""Tribunals avoided: an estimate of the SEND tribunals a service's advice avoids, and their cost.

Method (docs/methods.md): tribunals avoided = the year's new involvements (the count
metrics.involvements gives) x the share assumed to avoid a tribunal; cost avoided = tribunals
avoided x the cost of one tribunal. Both are kept unrounded (computed in decimals, so 100 x 0.29 is
29, not 28.999...); a page shows the tribunals rounded down to whole tribunals, since the estimate
is "a minimum", and the cost of the unrounded number. The share and the cost are assumptions, not
measured: they come from the service file's `tribunal_estimate` (or the caller), and a service
without one has no estimate. The H&W 2024 report prints 24 tribunals for "a minimum of 10%" of 2,486
calls: 10% is 248.6; 24 is 0.97% (implied_share).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb
import yaml

from .. import config
from ..config import Service
from ..periods import Period
from . import involvements
from .differences import DIFFERENCES_FILE

SHARE_KEY = "share_of_involvements"
COST_KEY = "cost_per_tribunal_gbp"


@dataclass(frozen=True)
class TribunalEstimate:
    """Tribunals a service's advice avoided in a reporting year, and their cost, on stated assumptions."""

    service: Service
    period: Period
    involvements: int | None  # new involvements opened in the year (metrics.involvements); None: no data
    share: float  # assumed share of them that would otherwise have gone to a tribunal, in (0, 1]
    cost_per_tribunal: float  # assumed cost of one tribunal, GBP
    tribunals_avoided: float | None  # involvements x share, unrounded
    cost_avoided: float | None  # tribunals_avoided (unrounded) x cost_per_tribunal, GBP
    source: str | None  # where the service file says its share and cost come from
    share_given: bool = False  # the caller gave the share, instead of the service file's
    cost_given: bool = False  # the caller gave the cost, instead of the service file's
    through: date | None = None  # the last day of data, when the year runs past it

    @property
    def at_least(self) -> int | None:
        """Tribunals avoided rounded down to whole tribunals: the estimate is a minimum."""
        return None if self.tribunals_avoided is None else math.floor(self.tribunals_avoided)


def avoidance_estimate(
    con: duckdb.DuckDBPyConnection,
    service: str,
    year: int,
    share: float | None = None,
    cost_per_tribunal: float | None = None,
    period: str | None = None,
) -> TribunalEstimate | None:
    """Tribunals avoided and their cost in reporting year `year` (see module docstring); None when
    the service file sets no `tribunal_estimate` and the caller gives neither share nor cost."""
    svc = config.service(service)
    setting = svc.tribunal_estimate or {}
    if not setting and share is None and cost_per_tribunal is None:
        return None
    where = f"{svc.slug}.yaml tribunal_estimate"
    share_given, cost_given = share is not None, cost_per_tribunal is not None
    share = _checked_share(*_given_or_set(share, "share", setting, SHARE_KEY, where))
    cost = _checked_cost(*_given_or_set(cost_per_tribunal, "cost_per_tribunal", setting, COST_KEY, where))

    new = involvements.monthly(con, service, year, period=period)
    exact = None if new.current is None else new.current * Decimal(str(share))
    through = new.data_through if new.partial and new.current is not None else None
    return TribunalEstimate(
        service=svc,
        period=new.selected,
        involvements=new.current,
        share=share,
        cost_per_tribunal=cost,
        tribunals_avoided=None if exact is None else float(exact),
        cost_avoided=None if exact is None else float(exact * Decimal(str(cost))),
        source=setting.get("source"),
        share_given=share_given,
        cost_given=cost_given,
        through=through,
    )


def implied_share(tribunals: float, involvements: int) -> float:
    """The share of involvements a printed number of tribunals stands for: 24 of 2,486 is 0.97%."""
    if involvements <= 0:
        raise ValueError(f"involvements must be 1 or more, got {involvements}")
    return tribunals / involvements


def printed(service: str, year: int) -> int | None:
    """The tribunals avoided the service's printed report gives for the year (report_differences.yaml,
    measure share_of_new), to set beside the estimate; None if it gives none."""
    entries = yaml.safe_load(DIFFERENCES_FILE.read_text(encoding="utf-8"))["differences"]
    for entry in entries:
        if (entry["service"], entry["year"], entry["measure"]) == (service, year, "share_of_new"):
            found = re.match(r"\d[\d,]*", str(entry["printed"]))
            return int(found.group().replace(",", "")) if found else None
    return None


def _given_or_set(given, name: str, setting: dict, key: str, where: str) -> tuple[object, str]:
    """The value the caller gave, else the service file's, with its name for an error message."""
    if given is not None:
        return given, name
    if key not in setting:
        raise ValueError(f"no {name} for the tribunal estimate: give {name}, or {key} in {where}")
    return setting[key], f"{where}: {key}"


def _checked_share(value, where: str) -> float:
    """The share as a fraction in (0, 1], or a ValueError naming the valid range."""
    if not _is_number(value) or not 0 < value <= 1:
        raise ValueError(f"{where} must be a fraction in (0, 1] (0.10 for 10%), got {value!r}")
    return float(value)


def _checked_cost(value, where: str) -> float:
    """The cost of one tribunal in GBP, 0 or more, or a ValueError naming the valid range."""
    if not _is_number(value) or not 0 <= value < math.inf:
        raise ValueError(f"{where} must be 0 or more (GBP per tribunal), got {value!r}")
    return float(value)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
