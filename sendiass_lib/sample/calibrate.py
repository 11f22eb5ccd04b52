"""Whole counts that reproduce printed percentages: the solver behind every calibrated sample mix.

A report prints "ASD 35.70%" without its base. For a base n, the counts that print as 35.70 are
those whose share rounds half-up to it; `counts` finds one count per row inside those ranges that
also sum to a given total, nearest to the exact shares, or says none exists. `smallest_base` tries
bases upward, which is how the sample finds, say, the number of reasons recorded behind a table.
"""

from __future__ import annotations

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
