"""One synthetic service's involvement rows for the scale sample (sample.scale): opening dates by
the new-service seasonality on working days, first responses, closures, levels, labels
(scale_labels) and personal columns (scale_people), in the sample's export columns.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from . import _targets
from .involvements import HEADERS
from .scale_labels import LabelTable, multi, reasons, single
from .scale_people import personal_columns

LEVELS = ("Level 1", "Level 2", "Level 3", "Level 4")
RESPONSE_DAYS = ((0.55, 0.30, 0.09, 0.04, 0.02), (0, 1, 2, 3, 5))  # working days to first response


def _opened(rng: np.random.Generator, year_list: list[int], sizes: np.ndarray) -> np.ndarray:
    """Opening dates, sorted: each year's involvements shared over months by the new-service
    seasonality (multinomial), each on a working day of its month drawn uniformly."""
    weights = np.array(_targets("new_service")["monthly"], dtype=float)
    per_month = np.concatenate([rng.multinomial(n, weights / weights.sum()) for n in sizes])
    starts = np.array([np.datetime64(date(y, m, 1)) for y in year_list for m in range(1, 13)])
    ends = np.append(starts[1:], np.datetime64(date(year_list[-1] + 1, 1, 1)))
    days = [np.arange(a, b, dtype="datetime64[D]") for a, b in zip(starts, ends, strict=True)]
    workdays = [d[np.is_busday(d)] for d in days]
    lengths = np.array([len(d) for d in workdays])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    every = np.concatenate(workdays)
    month = np.repeat(np.arange(len(workdays)), per_month)
    pick = offsets[month] + (rng.random(month.size) * lengths[month]).astype(np.int64)
    return np.sort(every[pick])


def involvements(
    rng: np.random.Generator,
    slug: str,
    year_list: list[int],
    sizes: np.ndarray,
    tables: dict[str, LabelTable],
) -> pl.DataFrame:
    """One service's rows for every year, in HEADERS order plus a `year` column to split on."""
    opened = _opened(rng, year_list, sizes)
    n = opened.size
    year = opened.astype("datetime64[Y]").astype(np.int64) + 1970
    last = year == year_list[-1]

    delays = np.array(RESPONSE_DAYS[1])[
        np.minimum(np.searchsorted(np.cumsum(RESPONSE_DAYS[0]), rng.random(n), side="right"), 4)
    ]
    response = np.busday_offset(opened, delays, roll="forward")
    closed = response + np.round(rng.random(n) ** 2 * 120).astype("timedelta64[D]")
    december = opened >= np.datetime64(f"{year_list[-1]}-12-01")
    still_open = last & (((rng.random(n) < 0.5) & december) | (rng.random(n) < 0.02))
    level_cum = np.cumsum(list(_targets("new_service")["level_percent"].values()), dtype=float)
    level = np.minimum(np.searchsorted(level_cum, rng.random(n) * level_cum[-1], side="right"), 3)

    cells = {
        "Caller Type": single(rng, tables["caller_type"], n),
        "Contact Method": single(rng, tables["contact_method"], n),
        "How did you hear about us": single(rng, tables["heard_about"], n, blank=0.03),
        "Reason(s) for Contact": reasons(rng, tables, opened),
        "SEN Type": multi(rng, tables["sen_types"], n),
    }
    people = personal_columns(rng, slug, opened, year)
    prefix = slug.upper()
    frame = pl.DataFrame(
        {
            "year": year,
            "Date Opened": opened,
            "Date of First Response": response,
            "Date Closed": closed,
            "__open": still_open,
            "__level": pl.Series(LEVELS).gather(level),
        }
    )
    return frame.select(
        "year",
        pl.format(
            "{}-{}-{}",
            pl.lit(prefix),
            (pl.col("year") % 100).cast(pl.String).str.zfill(2),
            pl.int_range(1, pl.len() + 1).over("year").cast(pl.String).str.zfill(5),
        ).alias("Case Ref"),
        pl.col("Date Opened").cast(pl.Date),
        pl.col("Date of First Response").cast(pl.Date),
        pl.when(~pl.col("__open")).then(pl.col("Date Closed").cast(pl.Date)).alias("Date Closed"),
        pl.when(~pl.col("__open")).then(pl.col("__level")).alias("Level"),
        *[s.alias(name) for name, s in cells.items()],
        *people,
    ).select("year", *HEADERS)
