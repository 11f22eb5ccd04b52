"""What loading one file did (LoadResult): the counts a user is told, and what to look at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """What happened to one file."""

    file_name: str
    sha256: str
    load_id: int | None = None
    already_loaded: bool = False
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    dropped_unknown: list[str] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)  # (column, raw label) -> rows
    is_sample: bool = False
    absent: list[str] = field(default_factory=list)  # optional contract columns the file lacks
    all_unmapped: list[str] = field(default_factory=list)  # label columns none of whose labels mapped

    def warnings(self, shown: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """What to look at before publishing from this file, in words: unknown columns, columns
        among `shown` (those pages show) it does not have, label columns whose labels all failed."""
        if self.already_loaded:
            return []
        found = []
        if self.dropped_unknown:
            listed = ", ".join(f"'{h}'" for h in self.dropped_unknown)
            found.append(
                f"{self.file_name}: dropped as unknown: {listed} (`sendiass check` suggests a mapping)"
            )
        if missing := [c for c in self.absent if c in shown]:
            found.append(f"{self.file_name}: no column for {', '.join(missing)}: the pages say so")
        if self.all_unmapped:
            found.append(f"{self.file_name}: every label of {', '.join(self.all_unmapped)} matched nothing")
        return found

    def summary(self) -> str:
        """One line for a terminal: rows in / loaded / rejected and the top reasons."""
        if self.already_loaded:
            return f"{self.file_name}: already loaded (load {self.load_id}), nothing to do"
        text = (
            f"{self.file_name}: {self.rows_in} rows in, {self.rows_loaded} loaded, "
            f"{self.rows_rejected} rejected"
        )
        if self.reasons:
            top = ", ".join(f"{code} {n}" for code, n in self.reasons.most_common(3))
            text += f" ({top})"
        if self.unmapped:
            top = ", ".join(f"{column} '{label}' {n}" for (column, label), n in self.unmapped.most_common(3))
            text += f"; {sum(self.unmapped.values())} unmapped label(s), loaded as Unmapped: {top}"
        return text
