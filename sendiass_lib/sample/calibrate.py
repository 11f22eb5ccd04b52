"""Whole counts that reproduce printed percentages: the solver behind every calibrated sample mix.

A report prints "ASD 35.70%" without its base. For a base n, the counts that print as 35.70 are
those whose share rounds half-up to it; `counts` finds one count per row inside those ranges that
also sum to a given total, nearest to the exact shares, or says none exists. `smallest_base` tries
bases upward, which is how the sample finds, say, the number of reasons recorded behind a table.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction


def count_range(printed: float, decimals: int, base: int) -> tuple[int, int]:
    """The counts c with round_half_up(100 * c / base, decimals) == printed, as (low, high)."""
    value, half = Fraction(str(printed)), Fraction(1, 2 * 10**decimals)
    low = max(0, math.ceil((value - half) * base / 100))
    high = math.ceil((value + half) * base / 100) - 1
    return low, min(high, base)


def counts(
    printed: dict[str, float], decimals: int, base: int, total: int | None = None
) -> dict[str, int] | None:
    """Counts on `base` that print as `printed` and sum to `total` (default: base), each as near
    its exact share as the sum allows; None when no such counts exist."""
    total = base if total is None else total
    ranges = {label: count_range(v, decimals, base) for label, v in printed.items()}
    if any(low > high for low, high in ranges.values()):
        return None
    if not sum(low for low, _ in ranges.values()) <= total <= sum(high for _, high in ranges.values()):
        return None
    exact = {label: Fraction(str(v)) * base / 100 for label, v in printed.items()}
    result = {label: min(max(round(exact[label]), low), high) for label, (low, high) in ranges.items()}
    order = list(printed)  # ties go to the earlier row, so the result does not depend on set order
    while (gap := total - sum(result.values())) != 0:
        step = 1 if gap > 0 else -1
        movable = [label for label in order if ranges[label][0] <= result[label] + step <= ranges[label][1]]
        best = max(movable, key=lambda label: step * (exact[label] - result[label]))
        result[best] += step
    return result


def smallest_base(
    printed: dict[str, float], decimals: int, start: int, stop: int
) -> tuple[int, dict[str, int]] | None:
    """The smallest base in [start, stop) whose counts print as `printed` and sum to it."""
    for base in range(start, stop):
        found = counts(printed, decimals, base)
        if found is not None:
            return base, found
    return None


def percent(k: int, n: int) -> int:
    """100 * k / n rounded half-up to a whole number (integer arithmetic: no float ties)."""
    return (200 * k + n) // (2 * n)


def closest(printed: list[int], low: int, high: int) -> tuple[int, list[int], int]:
    """(n, counts, difference) for a printed whole-percentage distribution: the smallest base n in
    [low, high] with counts summing to n whose percentages are `printed` (difference 0). When no
    base fits, the counts whose percentages differ least in total from `printed` (then the smallest
    n): for a printed row that is itself inconsistent. Ties go to the unrounded shares nearest."""
    exact = smallest_base(dict(enumerate(printed)), 0, low, high + 1)
    if exact:
        return exact[0], list(exact[1].values()), 0
    best = None
    for n in range(low, high + 1):
        near = [
            range(max(0, p * n // 100 - n // 200 - 2), min(n, p * n // 100 + n // 200 + 2) + 1)
            for p in printed
        ]
        for head in itertools.product(*near[:-1]):
            counts = [*head, n - sum(head)]
            if counts[-1] < 0:
                continue
            difference = sum(abs(percent(k, n) - p) for k, p in zip(counts, printed, strict=True))
            unrounded = sum(abs(100 * k / n - p) for k, p in zip(counts, printed, strict=True))
            key = (difference, n, unrounded, counts)
            best = key if best is None or key < best else best
        if best and best[0] == 0:
            break
    if best is None:
        raise ValueError(f"no base in {low}-{high} for {printed}")
    return best[1], best[3], best[0]


def share_base(printed: int, low: int, high: int) -> tuple[int, int]:
    """(n, k): the smallest base n in [low, high] and count k with k of n printing as `printed`%."""
    for n in range(low, high + 1):
        for k in range(n + 1):
            if percent(k, n) == printed:
                return n, k
    raise ValueError(f"no base in {low}-{high} gives {printed}%")
