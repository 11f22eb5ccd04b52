"""Metrics: pure functions (connection, service, period) -> numbers, tested against hand-computed data."""

from . import involvements

__all__ = ["involvements"]
