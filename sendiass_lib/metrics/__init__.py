"""Metrics: pure functions (connection, service, YEAR) -> numbers, tested against hand-computed data.

YEAR is the year the service's reporting year starts in. Every metric of a year also takes
`period=` ('calendar', 'financial', 'academic' or a start 'MM-DD') to count over years of that kind
instead; the service's figures extract (metrics.figures) is kept by its own reporting year only.
"""

from . import involvements

__all__ = ["involvements"]
