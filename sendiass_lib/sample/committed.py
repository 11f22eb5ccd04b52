"""The committed sample: every synthetic extract of data/sample, and its SHA256SUMS."""

from __future__ import annotations

from pathlib import Path

from .. import config
from . import bucks, digital, evaluations, figures, involvements, training, write_sums


def generate(out_dir: Path | None = None) -> list[Path]:
    """Write every sample extract and SHA256SUMS under out_dir (default data/sample); return the files."""
    out_dir = out_dir or config.SAMPLE_DIR
    written = [
        *involvements.write(out_dir),
        *bucks.write(out_dir),
        *training.write(out_dir),
        *digital.write(out_dir),
        *evaluations.write(out_dir),
        *figures.write(out_dir),
    ]
    write_sums(out_dir, written)
    return written
