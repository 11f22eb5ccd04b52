"""Disclosure audit: what a reader can work out about each hidden count from everything published.

A `Publication` holds the count cells one service-year publishes (shown or hidden) and the linear
relations between them that a reader can see: a total or a stated base equal to the sum of its
parts, and a printed share, whose rounding makes it an interval. For each hidden cell, linear
programming (HiGHS, through SciPy) gives the smallest and largest value consistent with all of it,
as statistical offices audit suppression (tau-argus, sdcTable). A hidden small count is protected
when that interval is at least `width` wide (for the default rule, a reader cannot tell a 1 from a
5). `secure` adds the cheapest further suppressions until every one is.

Zeros are never hidden (a zero hides nothing), so a reader knows every hidden cell is at least 1,
and the audit assumes so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Key = Hashable  # a cell's name: (table, row, column)
INFINITY = float("inf")


@dataclass(frozen=True)
class Relation:
    """lo <= sum(coefficient * cell) <= hi, published as long as no cell in `owners` is hidden
    (a share is not printed once its own count is hidden)."""

    terms: tuple[tuple[Key, float], ...]
    lo: float
    hi: float
    owners: frozenset = frozenset()


@dataclass
class Publication:
    """Count cells (true values, which are hidden, which must be protected) and relations."""

    values: dict[Key, float] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    primary: set[Key] = field(default_factory=set)  # small counts of people: must be protected
    fixed: set[Key] = field(default_factory=set)  # may never be hidden (a stated base, say)
    relations: list[Relation] = field(default_factory=list)

    def cell(self, key: Key, value: float, hidden: bool = False, primary: bool = False, fixed: bool = False):
        """Add a published count (a second call with the same key may only add flags)."""
        if key in self.values and self.values[key] != value:
            raise ValueError(f"cell {key} published as {self.values[key]} and as {value}")
        self.values[key] = value
        if hidden:
            self.hidden.add(key)
        if primary:
            self.primary.add(key)
            self.hidden.add(key)
        if fixed:
            self.fixed.add(key)

    def total(self, total: Key, parts: Iterable[Key]) -> None:
        """`total` is the sum of `parts` (a Total row, or a base stated under a table)."""
        terms = [(total, 1.0), *((part, -1.0) for part in parts)]
        self.relations.append(Relation(tuple(terms), 0.0, 0.0))

    def share(
        self, parts: Iterable[Key], base: Iterable[Key], printed: float, half_width: float, owners=()
    ) -> None:
        """A share printed as `printed` (a fraction, rounded to +/- half_width) of the sum of `base`
        cells, for the sum of `parts`: lo * base <= parts <= hi * base. Not printed (so no relation)
        once any of `owners` is hidden: its own count, or a part whose hiding hides it."""
        parts, base = list(parts), list(base)
        owners = frozenset(owners)
        for bound, sign in ((printed - half_width, 1.0), (printed + half_width, -1.0)):
            terms = [(p, sign) for p in parts] + [(b, -sign * bound) for b in base]
            self.relations.append(Relation(tuple(_merged(terms)), 0.0, INFINITY, owners))

    def between(self, key: Key, lo: float, hi: float) -> None:
        """A sentence that bounds a cell ("fewer than 5": between 1 and 4)."""
        self.relations.append(Relation(((key, 1.0),), lo, hi))

    def in_force(self) -> list[Relation]:
        return [r for r in self.relations if not (r.owners & self.hidden)]


def _merged(terms: list[tuple[Key, float]]) -> list[tuple[Key, float]]:
    out: dict[Key, float] = defaultdict(float)
    for key, coefficient in terms:
        out[key] += coefficient
    return [(k, c) for k, c in out.items() if c]


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    @property
    def width(self) -> float:
        return self.hi - self.lo


class _Model:
    """The LP over the relations in force, solved per connected group of cells (a table and the
    tables linked to it): small problems, each built once per audit."""

    def __init__(self, publication: Publication) -> None:
        self.publication = publication
        relations = publication.in_force()
        parent: dict[Key, Key] = {}

        def root(k: Key) -> Key:
            while parent.setdefault(k, k) != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for relation in relations:
            first = root(relation.terms[0][0])
            for k, _ in relation.terms[1:]:
                parent[root(k)] = first
        self.group_of = {k: root(k) for k in list(parent)}
        self.groups: dict[Key, list[Relation]] = defaultdict(list)
        for relation in relations:
            self.groups[self.group_of[relation.terms[0][0]]].append(relation)
        self._built: dict[Key, tuple] = {}

    def _problem(self, group: Key) -> tuple:
        import numpy as np

        if group in self._built:
            return self._built[group]
        relations = self.groups[group]
        cells = sorted({k for r in relations for k, _ in r.terms}, key=repr)
        index = {k: i for i, k in enumerate(cells)}
        hidden, values = self.publication.hidden, self.publication.values
        bounds = [(1.0, None) if k in hidden else (values[k], values[k]) for k in cells]
        eq, eq_b, ub, ub_b = [], [], [], []
        for relation in relations:
            row = np.zeros(len(cells))
            for k, c in relation.terms:
                row[index[k]] += c
            if relation.lo == relation.hi:
                eq.append(row)
                eq_b.append(relation.lo)
                continue
            if relation.hi != INFINITY:
                ub.append(row)
                ub_b.append(relation.hi)
            if relation.lo != -INFINITY:
                ub.append(-row)
                ub_b.append(-relation.lo)
        problem = (
            index,
            bounds,
            np.array(eq) if eq else None,
            np.array(eq_b) if eq else None,
            np.array(ub) if ub else None,
            np.array(ub_b) if ub else None,
        )
        self._built[group] = problem
        return problem

    def interval(self, key: Key) -> Interval:
        """Smallest and largest value of the cell consistent with the relations (cells no relation
        touches: at least 1, no upper limit)."""
        if key not in self.group_of:
            return Interval(1.0, INFINITY)
        from scipy.optimize import linprog

        index, bounds, a_eq, b_eq, a_ub, b_ub = self._problem(self.group_of[key])
        found = []
        for sign in (1.0, -1.0):  # minimise, then maximise
            objective = [0.0] * len(index)
            objective[index[key]] = sign
            result = linprog(
                objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
            )
            if result.status == 3:  # unbounded: only a maximum can be
                found.append(INFINITY)
            elif result.status != 0:
                raise RuntimeError(f"disclosure audit: the LP for {key} failed ({result.message})")
            else:
                found.append(sign * result.fun)
        return Interval(found[0], found[1])


def intervals(publication: Publication, keys: Iterable[Key] | None = None) -> dict[Key, Interval]:
    """The interval of each hidden cell (or of `keys`), rounded inward to whole numbers."""
    import math

    model = _Model(publication)
    out = {}
    for key in sorted(keys if keys is not None else publication.hidden, key=repr):
        found = model.interval(key)
        lo = math.ceil(found.lo - 1e-6)
        hi = found.hi if found.hi == INFINITY else math.floor(found.hi + 1e-6)
        out[key] = Interval(lo, hi)
    return out


def unprotected(publication: Publication, width: float) -> dict[Key, Interval]:
    """The primary cells whose interval is narrower than `width`."""
    found = intervals(publication, publication.primary)
    return {k: i for k, i in found.items() if i.width < width}


def secure(publication: Publication, width: float, limit: int = 200) -> tuple[set[Key], list[Key]]:
    """Hide further cells until every primary cell's interval is at least `width` wide; returns the
    cells added, and the primary cells nothing left to hide could protect (say, a figure fixed
    elsewhere gives them back). Greedy: for the narrowest unprotected cell, hide the smallest
    shown non-zero count linked to it that protects it, else the one that widens it most."""
    added: set[Key] = set()
    given_up: list[Key] = []
    for _ in range(limit):
        weak = {k: i for k, i in unprotected(publication, width).items() if k not in given_up}
        if not weak:
            return added, given_up
        key = min(weak, key=lambda k: (weak[k].width, repr(k)))
        candidates = _candidates(publication, key)
        if not candidates:
            given_up.append(key)
            continue
        best, best_width = None, -1.0
        for candidate in candidates:
            publication.hidden.add(candidate)
            wide = intervals(publication, [key])[key].width
            publication.hidden.discard(candidate)
            if wide >= width:
                best, best_width = candidate, wide
                break
            if wide > best_width:
                best, best_width = candidate, wide
        publication.hidden.add(best)
        added.add(best)
    raise RuntimeError(f"disclosure audit: {limit} further suppressions did not protect every cell")


def _candidates(publication: Publication, key: Key) -> list[Key]:
    """Shown, non-zero, hideable cells in the relations linked to `key` (through hidden cells),
    smallest first."""
    relations = publication.in_force()
    by_cell: dict[Key, list[Relation]] = defaultdict(list)
    for relation in relations:
        for k, _ in relation.terms:
            by_cell[k].append(relation)
    seen, todo, linked = {key}, [key], set()
    while todo:
        for relation in by_cell[todo.pop()]:
            for k, _ in relation.terms:
                linked.add(k)
                if k in publication.hidden and k not in seen:
                    seen.add(k)
                    todo.append(k)
    # Cells whose hiding would drop a printed share that pins the weak cell come in too.
    owners = {o for r in publication.relations if set(dict(r.terms)) & seen for o in r.owners}
    pool = (linked | owners) - publication.hidden - publication.fixed
    pool = {k for k in pool if publication.values.get(k, 0) > 0}
    return sorted(pool, key=lambda k: (publication.values[k], repr(k)))
