"""`make lab`: JupyterLab comes up on the project kernel with the explore notebook and the database,
and a notebook holding the database open does not stop `sendiass data`.

The explore notebook itself runs headless in `make test` (nbval runs every notebook in notebooks/);
it is committed without outputs, since run on a service's real data they would be real data.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sendiass_lib import config

TOKEN = "sendiass-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port: int, path: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}?token={TOKEN}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def lab(sample_db, tmp_path_factory):
    """`make lab` on a copy of the sample database: (port, the database it opens)."""
    db_copy = tmp_path_factory.mktemp("lab") / "lab.duckdb"
    shutil.copyfile(sample_db, db_copy)
    port = free_port()
    args = f"--no-browser --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "-s", "lab", f"DB={db_copy}", f"LAB_ARGS={args}"],
        cwd=config.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = call(port, "/api/status")
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, server.stdout.read().decode() if server.poll() is not None else "no answer"
        yield port, db_copy
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_make_lab_serves_the_explore_notebook_on_the_project_kernel(lab):
    port, _ = lab
    assert "sendiass" in call(port, "/api/kernelspecs")["kernelspecs"]
    explore = call(port, "/api/contents/notebooks/explore.ipynb")
    assert explore["type"] == "notebook"
    assert explore["content"]["metadata"]["kernelspec"]["name"] == "sendiass"


def test_a_lab_notebook_holding_the_database_does_not_stop_sendiass_data(lab, tmp_path):
    from jupyter_client import BlockingKernelClient
    from jupyter_core.paths import jupyter_runtime_dir

    port, db_path = lab
    kernel = call(port, "/api/kernels", "POST", {"name": config.KERNEL_NAME})
    connection = Path(jupyter_runtime_dir()) / f"kernel-{kernel['id']}.json"
    client = BlockingKernelClient(connection_file=str(connection))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)

        def run(code: str) -> str:
            """What the code prints in the notebook kernel."""
            printed: list[str] = []

            def keep(msg: dict) -> None:
                content = msg["content"]
                assert msg["msg_type"] != "error", f"{content['ename']}: {content['evalue']}"
                printed.append(content.get("text", "") if msg["msg_type"] == "stream" else "")

            client.execute_interactive(code, timeout=60, output_hook=keep)
            return "".join(printed).strip()

        count = "print(con.execute('SELECT count(*) FROM loads').fetchone()[0])"
        kernel_pid = run("import os\nfrom sendiass_lib import connect\ncon = connect()\nprint(os.getpid())")
        before = int(run(count))
        sendiass = [sys.executable, "-m", "sendiass_lib.cli"]

        # A writer in place is refused, told which notebook holds the database and what to do.
        extract = tmp_path / "involvements_x.csv"
        extract.write_text("Case Ref,Date Opened\r\nX1,05/01/2024\r\n", encoding="utf-8")
        load = [*sendiass, "load", str(extract), "--service", "worcs", "--db", str(db_path)]
        refused = subprocess.run(load, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1
        assert refused.stderr.startswith(
            f"sendiass: {db_path} is open in a notebook kernel (PID {kernel_pid}, started by JupyterLab (PID "
        )
        assert refused.stderr.endswith(
            "shut down that notebook's kernel or stop `make lab`, then run again\n"
        )

        # `sendiass data` builds beside it and swaps the new file in.
        sample = tmp_path / "sample"
        shutil.copytree(config.SAMPLE_DIR, sample)
        shutil.copy(extract, sample / "worcs" / extract.name)
        env = {**os.environ, "SENDIASS_SAMPLE_DIR": str(sample)}
        data = [*sendiass, "data", "--source", "sample", "--db", str(db_path), "--quiet"]
        done = subprocess.run(data, capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stderr
        assert int(run(count)) == before  # the notebook reads the file it opened...
        assert int(run("con.close()\ncon = connect()\n" + count)) == before + 1  # ...until it reconnects
    finally:
        client.stop_channels()
        shut_down = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE"
        )
        urllib.request.urlopen(shut_down, timeout=30).close()


EXPLORE = config.NOTEBOOKS_DIR / "explore.ipynb"
CLEAR = ".venv/bin/jupyter nbconvert --clear-output --inplace notebooks/explore.ipynb"


def test_the_explore_notebook_is_committed_without_outputs():
    # Run on a service's real data, its outputs are real data: they must never reach git.
    cells = json.loads(EXPLORE.read_text(encoding="utf-8"))["cells"]
    kept = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code" and (cell["outputs"] or cell["execution_count"] is not None)
    ]
    assert not kept, f"notebooks/explore.ipynb keeps outputs in cells {kept}; clear them: {CLEAR}"


def test_nbval_only_runs_the_explore_notebook():
    # With no stored outputs a cell marked to have its output checked would always fail nbval.
    cells = json.loads(EXPLORE.read_text(encoding="utf-8"))["cells"]
    assert not [cell for cell in cells if "NBVAL_CHECK_OUTPUT" in "".join(cell["source"])]


def test_refreshing_the_baselines_leaves_the_explore_notebook_without_outputs(monkeypatch):
    import nbclient
    import nbformat

    from sendiass_lib import publish

    class NotRun:  # stands in for running a notebook: which notebooks would run is the point here
        def __init__(self, nb, **kwargs):
            pass

        def execute(self):
            return None

    monkeypatch.setattr(nbclient, "NotebookClient", NotRun)
    monkeypatch.setattr(nbformat, "write", lambda nb, path: None)  # nothing is written
    refreshed = publish.refresh_baselines(progress=lambda line: None)
    assert config.NOTEBOOKS_DIR / "involvements.ipynb" in refreshed
    assert EXPLORE not in refreshed
