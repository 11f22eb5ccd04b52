"""The linear system a reader can set up: one unknown per quantity the pages print or imply (a shown
count is an unknown fixed to its value), linear constraints between them, and the hidden cells to
audit, each a linear expression over the unknowns."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

Expr = dict[int, float]  # unknown index -> coefficient


@dataclass(frozen=True)
class Where:
    """Where a hidden figure is printed."""

    year: int
    page: str
    caption: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.year} {self.page}: {self.caption} / {self.row} / {self.column}"


@dataclass
class Target:
    """A hidden cell, as the count it stands for (`expr`); `what` says which kind of figure it is."""

    where: Where
    expr: Expr
    what: str = "count"


@dataclass
class Constraint:
    """lo <= sum(coef * unknown) <= hi, and the relation it comes from."""

    expr: Expr
    lo: float
    hi: float
    why: str


@dataclass
class System:
    """Unknowns by key, fixed values, constraints, targets, and what could not be read."""

    keys: list[Hashable] = field(default_factory=list)
    index: dict[Hashable, int] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # sentences about small numbers no relation reads

    def unknown(self, key: Hashable) -> int:
        """The unknown for `key`, made on first use (>= 0)."""
        if key not in self.index:
            self.index[key] = len(self.keys)
            self.keys.append(key)
        return self.index[key]

    def var(self, key: Hashable) -> Expr:
        return {self.unknown(key): 1.0}

    def fix(self, key: Hashable, value: float, why: str = "") -> Expr:
        """The unknown for `key`, fixed to a printed value; a different value printed elsewhere for the
        same quantity is recorded as a conflict (the pages disagree, or a relation misreads them)."""
        i = self.unknown(key)
        if i in self.fixed and abs(self.fixed[i] - value) > 1e-9:
            self.conflicts.append(f"{key}: printed {self.fixed[i]:g} and {value:g} ({why})")
        self.fixed.setdefault(i, value)
        return {i: 1.0}

    def is_fixed(self, expr: Expr) -> bool:
        return all(i in self.fixed for i in expr)

    def add(self, expr: Expr, lo: float, hi: float, why: str) -> None:
        """lo <= expr <= hi."""
        if expr:
            self.constraints.append(Constraint(dict(expr), lo, hi, why))

    def equal(self, left: Expr, right: Expr, why: str) -> None:
        """left = right."""
        self.add(minus(left, right), 0.0, 0.0, why)

    def hide(self, where: Where, expr: Expr, what: str = "count") -> None:
        self.targets.append(Target(where, dict(expr), what))


def total(*exprs: Expr, scale: float = 1.0) -> Expr:
    """The sum of expressions, times `scale`."""
    out: Expr = {}
    for expr in exprs:
        for i, coef in expr.items():
            out[i] = out.get(i, 0.0) + coef * scale
    return {i: c for i, c in out.items() if c}


def minus(left: Expr, right: Expr) -> Expr:
    return total(left, total(right, scale=-1.0))


def share_between(system: System, part: Expr, base: Expr, lo: float, hi: float, why: str) -> None:
    """lo <= part / base <= hi with the base an expression too: part - lo*base >= 0, part - hi*base <= 0."""
    system.add(minus(part, total(base, scale=lo)), 0.0, float("inf"), why)
    system.add(minus(part, total(base, scale=hi)), float("-inf"), 0.0, why)


def rounded(value: float, decimals: int) -> tuple[float, float]:
    """The interval a figure printed to `decimals` places came from (ends included)."""
    half = 0.5 * 10.0**-decimals
    return value - half, value + half
