"""`make up`'s process runner: a service killed with -9 comes back, the others keep running.

The Procfile ``make up`` writes (``deploy/local/services.py procfile``) wraps every service
in ``deploy/local/keep-running.sh`` under honcho. Here the same runner runs two small HTTP
servers on free ports, wrapped the same way: one is killed with SIGKILL, and it must answer
again on its port as a new process while the other was never restarted; then the runner
stops both on TERM, as ``make down`` does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mia_common.testing import wait_until

ROOT = Path(__file__).resolve().parents[1]
KEEP_RUNNING = ROOT / "deploy" / "local" / "keep-running.sh"
HONCHO = Path(sys.executable).parent / "honcho"
SERVER = (
    "import http.server, os, sys\n"
    "class Pid(http.server.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        body = str(os.getpid()).encode()\n"
    "        self.send_response(200); self.end_headers(); self.wfile.write(body)\n"
    "    def log_message(self, *args): pass\n"
    "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Pid).serve_forever()\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pid_answering(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
            return int(response.read())
    except OSError:
        return None


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    crashing, steady = free_port(), free_port()
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "".join(
            f"{name}: MIA_RESTART_STABLE_SECONDS=1 exec {KEEP_RUNNING} {name} "
            f"{sys.executable} {script} {port}\n"
            for name, port in (("crashing", crashing), ("steady", steady))
        )
    )
    process = subprocess.Popen(
        [str(HONCHO), "-f", str(procfile), "-d", str(tmp_path), "start"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process, crashing, steady
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


async def test_a_killed_service_comes_back_and_the_others_keep_running(
    runner: tuple[subprocess.Popen[bytes], int, int],
) -> None:
    process, crashing, steady = runner
    first = await wait_until(lambda: pid_answering(crashing), message="the first server up")
    steady_pid = await wait_until(lambda: pid_answering(steady), message="the second server up")

    os.kill(first, signal.SIGKILL)

    def restarted() -> int | None:
        pid = pid_answering(crashing)
        return pid if pid is not None and pid != first else None

    second = await wait_until(restarted, timeout=20, message="the killed server back")
    assert second != first
    assert pid_answering(steady) == steady_pid, "the other service was never restarted"
    assert process.poll() is None, "the runner kept going"

    os.killpg(process.pid, signal.SIGTERM)  # what `make down` does
    process.wait(timeout=20)
    output = process.stdout.read().decode() if process.stdout else ""
    assert "crashing exited with code" in output, "the restart is in the log"
    assert pid_answering(crashing) is None
    assert pid_answering(steady) is None, "TERM stops every service"


def test_make_up_wraps_every_service_in_the_restarting_runner(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "local" / "services.py"), "procfile"],
        env={**os.environ, "MIA_LOCAL": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    entries = (tmp_path / "Procfile").read_text().splitlines()
    names = {path.parent.name for path in ROOT.glob("services/*/pyproject.toml")}
    assert {entry.split(":", 1)[0] for entry in entries} >= names
    for entry in entries:
        name, command = entry.split(": ", 1)
        assert f"{KEEP_RUNNING} {name} " in command, entry
