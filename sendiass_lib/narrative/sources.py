"""The metric results a narrative's figures read for one service and reporting year, each worked out
once, however many figures read it: the same results the appendices publish."""

from __future__ import annotations

from functools import cached_property

import duckdb

from .. import config, disclosure, periods
from ..metrics import (
    digital,
    evaluations,
    figures,
    headline,
    involvements,
    label_mix,
    mailing,
    mixes,
    training,
    training_evaluations,
    tribunals,
    youtube,
)


class Sources:
    """One service-year's metric results, made on first use."""

    def __init__(self, con: duckdb.DuckDBPyConnection, service: str, year: int):
        self.con = con
        self.slug = service
        self.year = year
        self.service = config.service(service)
        self.period = periods.reporting_year(self.service, year)
        self.rule = disclosure.rule(self.service)
        self._mixes: dict[str, list[label_mix.LabelMix]] = {}

    @property
    def where(self) -> str:
        """'Worcestershire SENDIASS in 2024': the service-year a message is about."""
        return f"{self.service.name} in {self.period.long_label}"

    def mixes(self, field: str) -> list[label_mix.LabelMix]:
        """A label column's mixes in the year, one per taxonomy list in force (intervention levels: one)."""
        if field not in self._mixes:
            if field == label_mix.LEVELS.name:
                self._mixes[field] = [mixes.levels(self.con, self.slug, self.year)]
            else:
                self._mixes[field] = mixes.mixes(self.con, self.slug, field, self.year)
        return self._mixes[field]

    @cached_property
    def monthly(self) -> involvements.MonthlyInvolvements:
        return involvements.monthly(self.con, self.slug, self.year)

    @cached_property
    def key_figures(self) -> headline.KeyFigures:
        return headline.key_figures(self.con, self.slug, self.year)

    @cached_property
    def tribunals(self) -> tribunals.TribunalEstimate | None:
        return tribunals.avoidance_estimate(self.con, self.slug, self.year)

    @cached_property
    def evaluations(self) -> evaluations.Evaluations:
        return evaluations.evaluations(self.con, self.slug, self.year)

    @cached_property
    def attendance(self) -> training.Attendance:
        return training.attendance(self.con, self.slug, self.year)

    @cached_property
    def training_evaluations(self) -> training_evaluations.Evaluations:
        return training_evaluations.joint_evaluations(self.con, self.slug, self.year)

    @cached_property
    def channels(self) -> list[digital.ChannelMonths]:
        return digital.channels(self.con, self.slug, self.year)

    @cached_property
    def videos(self) -> list[youtube.VideoViews]:
        return youtube.youtube_views(self.con, self.slug, self.year)

    @cached_property
    def mailing_list(self) -> list[mailing.MailingList]:
        return mailing.mailing_list(self.con, self.slug, self.year)

    @cached_property
    def service_figures(self) -> figures.ServiceFigures:
        return figures.figures(self.con, self.slug, self.year)
