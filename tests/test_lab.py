"""`make lab`: JupyterLab comes up on the project kernel with the explore notebook and the database.

The explore notebook itself runs headless in `make test` (nbval runs every notebook in notebooks/).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from sendiass_lib import config

TOKEN = "sendiass-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> dict:
    url = f"http://127.0.0.1:{port}{path}?token={TOKEN}"
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_make_lab_serves_the_explore_notebook_on_the_project_kernel(sample_db):
    port = free_port()
    args = f"--no-browser --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN}"
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "-s", "lab", f"DB={sample_db}", f"LAB_ARGS={args}"],
        cwd=config.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                status = get(port, "/api/status")
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, lab.stdout.read().decode() if lab.poll() is not None else "no answer"
        assert "sendiass" in get(port, "/api/kernelspecs")["kernelspecs"]
        explore = get(port, "/api/contents/notebooks/explore.ipynb")
        assert explore["type"] == "notebook"
        assert explore["content"]["metadata"]["kernelspec"]["name"] == "sendiass"
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
