"""Which files of a rebuild load together: a run of plain CSVs of one kind and shape
(staging.csv_shape) is staged and validated as one batch (load.load_files), so each statement's
fixed cost (about 0.12 s a load in all) is paid once per batch, not once per file. Files keep
their load order.

A batch may span services that read files alike: services with no mapping file of their own,
for a kind without rating questions (their scale is the service's). Any other service's files
are batched only with its own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .mapping import contract, mapping
from .staging import CsvShape, csv_shape

BATCH_BYTES = 64 << 20  # a batch holds at most this much CSV (~250k involvements); a larger file loads alone


@dataclass(frozen=True)
class Planned:
    """A file a build will load: its service, kind and sha256 (and how to convert a download)."""

    service: str
    kind: str
    path: Path
    sha256: str
    native: object | None = None  # the native.Source that converts the file, for a download


@dataclass(frozen=True)
class Batch:
    """Files to load together (shape: how to read them), or one file to load alone (shape None)."""

    items: list[Planned]
    shape: CsvShape | None = None


def batches(plan: Iterable[Planned], max_bytes: int = BATCH_BYTES) -> Iterator[Batch]:
    """The plan in load order, cut into batches: consecutive files of one kind and CSV shape
    (and of services that read files alike: _reads_alike), up to max_bytes together. Anything
    else (a workbook, a download, a CSV that needs the careful reader, a file planned twice) is
    a batch of its own."""
    run: list[Planned] = []
    key: tuple | None = None
    size = 0
    seen: set[tuple[str, str, str]] = set()
    for item in plan:
        alone = (item.sha256, item.service, item.kind) in seen or item.native is not None
        seen.add((item.sha256, item.service, item.kind))
        bytes_ = item.path.stat().st_size
        shape = None if alone or bytes_ > max_bytes else _shape(item)
        this = (_reads_alike(item), item.kind, shape) if shape is not None else None
        if run and (this is None or this != key or size + bytes_ > max_bytes):
            yield _batch(run, key)
            run, key, size = [], None, 0
        if this is None:
            yield Batch([item])
            continue
        run.append(item)
        key, size = this, size + bytes_
    if run:
        yield _batch(run, key)


def _reads_alike(item: Planned) -> str | None:
    """None for a service whose files of this kind load as every such service's do, else the
    service (batched with its own files only)."""
    own = mapping(item.service)
    if own.headers or own.labels or own.questions or contract(item.kind).questions:
        return item.service
    return None


def _shape(item: Planned) -> CsvShape | None:
    try:
        return csv_shape(item.path, contract(item.kind, item.service).is_header)
    except (OSError, UnicodeError):
        return None


def _batch(run: list[Planned], key: tuple | None) -> Batch:
    return Batch(run, key[2] if key is not None and len(run) > 1 else None)
