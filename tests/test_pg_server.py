"""The throwaway PostgreSQL server of the tests (tests/pg_server.py) does not outlive the process that started
it: its watchdog stops it when that process is killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import pg_server as pgs

pytestmark = pytest.mark.postgresql

STARTER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from tests import pg_server
server = pg_server.Server()
print(server.dir, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")


def test_a_killed_test_run_leaves_no_server_behind():
    if pgs.bindir() is None:
        pytest.skip(pgs.HOW_TO_GET)
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", STARTER, root], stdout=subprocess.PIPE, text=True)
    try:
        folder = Path(proc.stdout.readline().strip())  # type: ignore[union-attr]
        postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
        assert _alive(postmaster)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + 15
    while (_alive(postmaster) or folder.exists()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(postmaster) and not folder.exists()
