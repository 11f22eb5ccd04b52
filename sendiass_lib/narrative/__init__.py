"""Sentences that go with the numbers, written from metric results: moving into views/ (issue 16)."""

from __future__ import annotations

from ..views.words import and_list

_and = and_list  # narrative/ moves into views/ (issue 16); this name goes with it
