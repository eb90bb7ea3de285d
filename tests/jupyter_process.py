"""A real `jupyter server` process with the parevo_lab extension, for tests that kill it.

pytest-jupyter's server lives inside the test process; a `kill -9` needs a process of its own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

TOKEN = "parevo-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    def __init__(self, root: Path, work_dir: Path, **parevo):
        self.root = Path(root)
        self.work_dir = Path(work_dir)
        self.parevo = {"threads": [1], "poll_s": 0.2, "stop_jobs_on_shutdown": False, **parevo}
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 90, ready: int = 200) -> JupyterServer:
        """Start the server and wait until ``GET status`` answers ``ready`` (a server that
        refuses its work folder answers 500)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = self.root.parent / f"jupyter_server_config_{self.port}.py"
        lines = [
            f"c.ServerApp.port = {self.port}",
            "c.ServerApp.port_retries = 0",
            "c.ServerApp.ip = '127.0.0.1'",
            f"c.ServerApp.token = {TOKEN!r}",
            "c.ServerApp.open_browser = False",
            "c.ServerApp.allow_root = True",
            f"c.ServerApp.root_dir = {str(self.root)!r}",
            "c.ServerApp.jpserver_extensions = {'parevo_lab': True}",
            f"c.ParevoLab.work_dir = {str(self.work_dir)!r}",
        ]
        lines += [f"c.ParevoLab.{key} = {value!r}" for key, value in self.parevo.items()]
        config.write_text("\n".join(lines) + "\n")
        self.log = open(self.root.parent / f"server-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--config={config}"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_text()[-2000:]}")
            try:
                code, _ = self.call("GET", "status")
                if code == ready:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer in {timeout} s: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        return (self.root.parent / f"server-{self.port}.log").read_text(errors="replace")

    def call(self, method: str, path: str, body=None, raw: bytes | None = None):
        """(status, parsed JSON or text) of ``method /parevo-lab/<path>``."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if method == "POST" and data is None:
            data = b"{}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/parevo-lab/{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                code, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            code, text = error.code, error.read().decode()
        try:
            return code, json.loads(text) if text else None
        except ValueError:
            return code, text

    def run(self, run_id: str) -> dict:
        code, data = self.call("GET", f"runs/{run_id}")
        assert code == 200, data
        return data

    def wait(self, run_id: str, done, seconds: float = 240) -> dict:
        """Poll the run until ``done(run)`` holds."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            run = self.run(run_id)
            if done(run):
                return run
            time.sleep(0.3)
        raise AssertionError(f"run {run_id} never got there: {run['status']} {run['reason']}")

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.log.close()
