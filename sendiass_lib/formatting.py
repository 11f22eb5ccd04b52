"""How numbers read on a page: thousands separators, half-up percentages, GSS symbols."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NOT_AVAILABLE = "[x]"  # GSS symbol: not available
NOT_APPLICABLE = "[z]"  # GSS symbol: not applicable
SUPPRESSED = "[c]"  # GSS symbol: confidential (a small count, or one that would reveal it)


def count(value) -> str:
    """2486 -> '2,486'; missing -> [x]."""
    return NOT_AVAILABLE if _missing(value) else f"{int(value):,}"


def percent(fraction, decimals: int = 0, signed: bool = False) -> str:
    """0.243 -> '24%' (rounded half up, as readers expect; not Python's half-to-even)."""
    if _missing(fraction):
        return NOT_AVAILABLE
    quantum = Decimal(1).scaleb(-decimals)
    # round(…, 10) first: 675 / 1000 - 1 is -0.32499999999999996 in binary, and should read 33%.
    value = (Decimal(str(round(fraction, 10))) * 100).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value}%"


def change_phrase(fraction: float) -> str:
    """0.243 -> '24% more than'; -0.325 -> '33% fewer than'; ~0 -> 'the same as'."""
    size = percent(abs(fraction))
    if size == "0%":
        return "about the same as"
    return f"{size} {'more' if fraction > 0 else 'fewer'} than"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)
