"""A pool of Jupyter kernels, one per core, each kept for its share of a build's pages so that its
start-up and the notebooks' imports (altair, polars: ~5 s) are paid once per worker, not per page."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .. import config

if TYPE_CHECKING:  # imported when a page is built, not when checking what is up to date
    from jupyter_client.manager import KernelManager

# Notebooks rendered at once: one kernel per core (the machines this runs on have 2 or more).
WORKERS = min(2, os.cpu_count() or 1)


class _LingeringClientFilter(logging.Filter):
    """Drop jupyter_client's note that a kernel client we started the kernel for was not closed.

    nbclient leaves a client's channels open when the kernel manager is ours (see appendix.py);
    they close at exit. Every other traitlets warning (e.g. nbconvert's missing alt text) stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Could not destroy zmq context")


logging.getLogger("traitlets").addFilter(_LingeringClientFilter())


class Kernel:
    """A Jupyter kernel kept for several notebooks of one build. Each notebook runs after a
    `%reset -f` (appendix.py), so none can see another's variables."""

    def __init__(self) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name=config.KERNEL_NAME)
        self._start()

    def _start(self) -> None:
        # Quiet the kernel's start-up log (a local kernel on loopback warns that TCP is unencrypted).
        self.km.start_kernel(cwd=str(config.NOTEBOOKS_DIR), extra_arguments=["--IPKernelApp.log_level=ERROR"])

    def ready(self) -> KernelManager:
        """The kernel manager, with the kernel restarted if a notebook killed it."""
        if not self.km.is_alive():
            self._start()
        return self.km

    def close(self) -> None:
        self.km.shutdown_kernel(now=True)


def run_on_pool(
    jobs: list, run: Callable[[Any, Kernel], str]
) -> Iterator[tuple[Any, str | None, Exception | None, float]]:
    """Call `run(job, kernel)` for each job on up to WORKERS kernels at once; yield (job, what it
    returned or None, the exception it raised or None, seconds) as each finishes."""
    if not jobs:
        return
    workers = max(1, min(WORKERS, len(jobs)))
    kernels = [Kernel() for _ in range(workers)]  # booting while papermill and nbconvert import
    waiting: queue.Queue = queue.Queue()
    for job in jobs:
        waiting.put(job)
    done: queue.Queue = queue.Queue()

    def work(kernel: Kernel) -> None:
        while True:
            try:
                job = waiting.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                made, error = run(job, kernel), None
            except Exception as exc:  # one failing job must not stop the others
                made, error = None, exc
            done.put((job, made, error, time.perf_counter() - started))

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in kernels]
    try:
        for thread in threads:
            thread.start()
        for _ in jobs:
            yield done.get()
    finally:
        for thread in threads:
            thread.join()
        for kernel in kernels:
            kernel.close()
