"""Small helpers for writing sentences, shared by every view."""

from __future__ import annotations


def and_list(items: list[str] | tuple[str, ...]) -> str:
    """['2022', '2023', '2024'] -> '2022, 2023 and 2024'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
