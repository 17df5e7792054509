"""`throughline serve` as a child process, and the peak memory of its processes.

The server runs as it does in production (uvicorn on 127.0.0.1, one or more workers),
so the memory read from /proc is the server's own, not the benchmark's.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from server.tokens import TokenSigner

ROOT = Path(__file__).resolve().parent.parent
EXECUTABLE = Path(sys.executable).parent / "throughline"
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


class ServerProcess:
    """One server on a free port; `tokens` signs requests as any user id."""

    def __init__(self, database_url: str, workers: int = 1) -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.secret = secrets.token_urlsafe(48)
        self.signer = TokenSigner(self.secret)
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, user_id: int) -> str:
        return self.signer.issue(user_id).token

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            THROUGHLINE_JWT_SECRET=self.secret,
            THROUGHLINE_ACCESS_TOKEN_MINUTES="1440",
            # The whole-tree query may return up to 100k nodes; the benchmark measures it.
            THROUGHLINE_MAX_COST=str(10**15),
            THROUGHLINE_REQUEST_SECONDS="600",
            # The load's clients share two accounts, standing for many people at once.
            THROUGHLINE_MAX_IN_FLIGHT="1000",
            THROUGHLINE_LOG_LEVEL="WARNING",
            # The installed `throughline` may point at another checkout: the server runs
            # the code of the one the benchmark runs from.
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        command = [
            str(EXECUTABLE), "serve", "--no-demo", "--port", str(self.port),
            "--database-url", self.database_url, "--workers", str(self.workers),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")
                raise SystemExit(f"the server did not start:\n{error}")
            try:
                healthy = httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200
                if healthy and (self.workers == 1 or len(self.serving_pids()) >= self.workers):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not answer within {START_SECONDS}s")

    def launch(
        self, command: list[str], cwd: Path, env: dict, health: str, name: str, seconds: float
    ) -> None:
        """Start a server other than ours (the peer, floor c) and wait until `health`
        answers 200; RuntimeError, with its last words, when it exits or stays silent."""
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")
                raise RuntimeError(f"{name} did not start: {error[-500:]}")
            try:
                if httpx.get(f"{self.base_url}{health}", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{name} did not answer within {seconds}s")

    def serving_pids(self) -> list[int]:
        """The processes that answer requests: the server, or its workers."""
        assert self.process is not None
        if self.workers == 1:
            return [self.process.pid]
        return _children(self.process.pid)

    def reset_peak(self) -> None:
        """Start a fresh peak: writing 5 to clear_refs resets VmHWM (Linux)."""
        for pid in self.serving_pids():
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")

    def peak_mb(self) -> float | None:
        """Peak resident memory since the last reset, summed over the serving processes."""
        total = 0
        for pid in self.serving_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                return None
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        return total / 1024 if total else None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
