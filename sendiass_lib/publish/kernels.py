"""A pool of Jupyter kernels, one per core, each kept for its share of a build's pages so that its
start-up and the notebooks' imports (altair, polars: ~5 s) are paid once per worker, not per page;
and so is its client (a new one waits ~0.2 s for the kernel to be ready). The pages of one
service-year go to one kernel, one after the other, so that the year's disclosure plan
(suppression.py, made once per process) is made once, not on every kernel."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config

if TYPE_CHECKING:  # imported when a page is built, not when checking what is up to date
    from jupyter_client.client import KernelClient
    from jupyter_client.manager import KernelManager
    from nbformat import NotebookNode

ENGINE = "sendiass-kept-client"  # papermill's nbclient engine, on the kernel's kept client
# Before each page the namespace is emptied. %reset ends in a full garbage collection (~0.3 s in a
# kernel that has imported polars and altair); what survives it is frozen (gc.freeze), so the next
# page's collection looks only at what was made since: the page before's objects. Then the kernel
# holds the database open (hold).
RESET = """get_ipython().run_line_magic("reset", "-f"); __import__("gc").freeze()
__import__("sendiass_lib.publish.kernels").publish.kernels.hold({db_path!r})"""
_held: dict = {}  # in a kernel: the database connection hold() keeps open, by path

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
        self.kc: KernelClient | None = None
        self._start()

    def _start(self) -> None:
        # Quiet the kernel's start-up log (a local kernel on loopback warns that TCP is unencrypted).
        self.km.start_kernel(cwd=str(config.NOTEBOOKS_DIR), extra_arguments=["--IPKernelApp.log_level=ERROR"])

    def ready(self) -> KernelManager:
        """The kernel manager, with the kernel restarted if a notebook killed it."""
        if not self.km.is_alive():
            self._drop_client()
            self._start()
        return self.km

    def client(self) -> KernelClient:
        """The client kept for this kernel, started on first use (by the thread that uses it)."""
        km = self.ready()
        if self.kc is None:
            self.kc = km.client()
            self.kc.start_channels()
            import papermill  # noqa: F401  (what runs the pages loads while the kernel boots)

            self.kc.wait_for_ready(timeout=60)
            self.kc.allow_stdin = False
        return self.kc

    def reset(self, db_path: str) -> None:
        """Empty the kernel's namespace, so that a page sees nothing of the one before (RESET)."""
        code = RESET.format(db_path=db_path)
        reply = self.client().execute_interactive(code, output_hook=lambda msg: None, timeout=120)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"resetting the kernel failed: {reply['content'].get('evalue')}")

    def execute(self, nb: NotebookNode | Path, parameters: dict | None = None) -> NotebookNode:
        """Run the notebook `nb` (or the one at that path) here as papermill does (parameters
        injected after the `parameters` cell; the first failing cell raises
        PapermillExecutionError), through the kept client."""
        import papermill

        return papermill.execute_notebook(
            nb,
            None,
            parameters=parameters,
            kernel_name=config.KERNEL_NAME,
            progress_bar=False,
            engine_name=_engine(),
            # No `cwd`: papermill would chdir the whole process, which races with the other worker
            # thread; the kernel already runs in the notebooks folder.
            km=self.ready(),
            kc=self.client(),
        )

    def _drop_client(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None

    def close(self) -> None:
        self._drop_client()
        self.km.shutdown_kernel(now=True)


@cache
def _engine() -> str:
    """Register (once) papermill's nbclient engine that runs on a given kernel client: papermill's
    own makes a client per notebook, and waits for the kernel to be ready each time."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class KeptClientEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, km=None, kc=None, **kwargs):
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, log=logger)
            client.kc = kc  # nbclient starts no client of its own and, the kernel not its own, stops none
            return client.execute()

    papermill_engines.register(ENGINE, KeptClientEngine)
    return ENGINE


def hold(db_path: str) -> None:
    """Run in a kernel before each page: keep one read-only connection to the database open for
    the kernel's life, so that each page's own (db.connect) shares its database instance instead of
    opening the file again, and make that instance run each query on one thread (SET threads is the
    instance's): each kernel of the pool already has a core to itself."""
    if db_path not in _held:
        from .. import db

        _held[db_path] = db.connect(Path(db_path))
        _held[db_path].execute("SET threads = 1")


def run_on_pool(
    jobs: list, run: Callable[[Any, Kernel], str], together: Callable[[Any], Hashable] = id
) -> Iterator[tuple[Any, str | None, Exception | None, float]]:
    """Call `run(job, kernel)` for each job on up to WORKERS kernels at once; yield (job, what it
    returned or None, the exception it raised or None, seconds) as each finishes. Jobs with the
    same `together` key run on one kernel in their order, unless a kernel would otherwise be idle."""
    if not jobs:
        return
    workers = max(1, min(WORKERS, len(jobs)))
    kernels = [Kernel() for _ in range(workers)]  # booting while papermill and nbconvert import
    batches: dict[Hashable, deque] = {}
    for job in jobs:
        batches.setdefault(together(job), deque()).append(job)
    waiting = deque(batches.values())
    running: list[deque] = []
    lock = threading.Lock()
    done: queue.Queue = queue.Queue()

    def next_job(mine: deque) -> tuple[deque, Any]:
        """This worker's next job of its batch, else the first of the next batch, else (rather than
        stay idle) the last of the longest batch another worker has left; None when none is left."""
        with lock:
            if not mine and waiting:
                mine = waiting.popleft()
                running.append(mine)
            if mine:
                return mine, mine.popleft()
            longest = max(running, key=len, default=deque())
            return mine, longest.pop() if longest else None

    def work(kernel: Kernel) -> None:
        mine: deque = deque()
        while True:
            mine, job = next_job(mine)
            if job is None:
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
