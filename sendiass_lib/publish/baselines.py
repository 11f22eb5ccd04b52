"""nbval's baseline: the outputs each published notebook keeps, from the sample data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import config
from ..availability import appendices
from .files import shown


def refresh_baselines(progress: Callable[[str], None] = print, names: list[str] | None = None) -> list[Path]:
    """Re-run each published notebook in place with its default parameters (nbval's baseline). Not
    the analyst's explore notebook: it is committed without outputs, which nbval only runs.

    Run against the sample database (`sendiass baselines` sets SENDIASS_DB); timings are not
    recorded, so the only diff after a refresh is a real change in what the notebook shows.
    """
    import nbformat
    from nbclient import NotebookClient

    done = []
    for path in [a.path for a in appendices()]:
        if names and path.stem not in names:
            continue
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=config.KERNEL_NAME,
            record_timing=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, path)
        done.append(path)
        progress(f"refreshed {shown(path)}")
    return done
