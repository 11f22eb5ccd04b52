"""The audit: for each hidden cell, the least and greatest value it can take consistently with every
relation (two linear programmes, HiGHS), rounded inward to whole numbers as counts are."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from .system import System, Target

EPS = 1e-9


class Inconsistent(ValueError):
    """The relations have no solution: the pages disagree, or a relation misreads them."""


@dataclass
class Finding:
    """A hidden cell and the interval the published figures leave it: [lo, hi] (hi may be inf)."""

    target: Target
    lo: float
    hi: float

    @property
    def width(self) -> float:
        return self.hi - self.lo

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def __str__(self) -> str:
        hi = "inf" if math.isinf(self.hi) else f"{self.hi:g}"
        return f"{self.target.where}: [{self.lo:g}, {hi}] ({self.target.what})"


def distinct(targets: list[Target]) -> list[Target]:
    """One target per figure: a hidden share beside its hidden count (the same expression, on the
    same row of the same table) is the same figure."""
    seen, out = set(), []
    for target in targets:
        w = target.where
        key = (w.year, w.page, w.caption, w.row, tuple(sorted(target.expr.items())))
        if key not in seen:
            seen.add(key)
            out.append(target)
    return out


def audit(system: System) -> list[Finding]:
    """Every distinct target's interval; Inconsistent when the same figure is printed two ways."""
    if system.conflicts:
        raise Inconsistent("; ".join(system.conflicts))
    n = len(system.keys)
    if not n:
        return []
    bounds = [(system.fixed[i], system.fixed[i]) if i in system.fixed else (0.0, None) for i in range(n)]
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for c in system.constraints:
        if c.lo == c.hi:
            eq_rows.append(c.expr)
            eq_rhs.append(c.lo)
            continue
        if math.isfinite(c.hi):
            ub_rows.append(c.expr)
            ub_rhs.append(c.hi)
        if math.isfinite(c.lo):
            ub_rows.append({i: -a for i, a in c.expr.items()})
            ub_rhs.append(-c.lo)
    lp = {
        "A_eq": _matrix(eq_rows, n),
        "b_eq": np.array(eq_rhs) if eq_rows else None,
        "A_ub": _matrix(ub_rows, n),
        "b_ub": np.array(ub_rhs) if ub_rows else None,
        "bounds": bounds,
        "method": "highs",
    }
    findings = []
    for target in distinct(system.targets):
        objective = np.zeros(n)
        for i, a in target.expr.items():
            objective[i] = a
        lo = _optimum(objective, lp, system)
        hi = -_optimum(-objective, lp, system)
        findings.append(
            Finding(target, math.ceil(lo - EPS), math.floor(hi + EPS) if math.isfinite(hi) else hi)
        )
    return findings


def _matrix(rows: list[dict[int, float]], n: int) -> csr_matrix | None:
    if not rows:
        return None
    data, cols, ptr = [], [], [0]
    for row in rows:
        cols.extend(row)
        data.extend(row.values())
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(rows), n))


def _optimum(objective: np.ndarray, lp: dict, system: System) -> float:
    if not objective.any():
        return 0.0
    result = linprog(objective, **lp)
    if result.status == 3:  # unbounded
        return -math.inf
    if result.status != 0:
        raise Inconsistent(f"{result.message} {'; '.join(system.conflicts[:5])}")
    return float(result.fun)
