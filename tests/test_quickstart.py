"""The README's run command, tried as a new user would: in a fresh copy of the
repository, with a fresh virtual environment, until /healthz and /graphql answer."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from fixtures.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 420
IGNORED = shutil.ignore_patterns(
    ".venv", "data", ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache"
)
DEMO_QUERY = "{ goals(filter: {rootsOnly: true}) { totalCount nodes { title } } }"
DEMO_VIEWER = "samuel.adeyemi@northwind-analytics.com"
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken }
}
"""


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```(?:\w+)?\n(.*?)```", section, re.S)
    assert block, "README.md's Quick start section has no code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readme_quick_start_has_exactly_run_then_test():
    commands = quick_start_commands()

    assert len(commands) == 2
    assert "run" in commands[0]
    assert "test" in commands[1]


@pytest.mark.slow
def test_run_command_serves_the_demo_from_a_fresh_copy(tmp_path):
    # given: a fresh copy of the repository and the README's first command
    checkout = tmp_path / "throughline"
    shutil.copytree(ROOT, checkout, ignore=IGNORED)
    run_command = quick_start_commands()[0]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "DATABASE"))}
    env.update({"THROUGHLINE_PORT": str(port), "PATH": os.defpath + ":" + env.get("PATH", "")})
    log = (tmp_path / "server.log").open("w")

    # when
    server = subprocess.Popen(
        run_command,
        shell=True,
        cwd=checkout,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}/healthz", server, tmp_path)
        graphql = f"http://127.0.0.1:{port}/graphql"
        signed_out = httpx.post(graphql, json={"query": DEMO_QUERY})
        login = httpx.post(
            graphql,
            json={
                "query": LOGIN,
                "variables": {"input": {"email": DEMO_VIEWER, "password": DEMO_PASSWORD}},
            },
        )
        token = login.json()["data"]["login"]["accessToken"]
        answer = httpx.post(
            graphql, json={"query": DEMO_QUERY}, headers={"Authorization": f"Bearer {token}"}
        )
        home = httpx.get(f"http://127.0.0.1:{port}/")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()

    # then
    assert health == {"status": "ok", "database": "reachable"}
    assert signed_out.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert answer.status_code == 200
    goals = answer.json()["data"]["goals"]
    assert goals["totalCount"] >= 1, "the demo organisation was not loaded on first start"
    assert home.status_code == 200
    assert "/graphql" in home.text
    assert (checkout / "data" / "throughline.sqlite3").exists()


def wait_for_health(url: str, server: subprocess.Popen, tmp_path: Path) -> dict:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (tmp_path / "server.log").read_text()
            pytest.fail(f"the run command exited with {server.returncode}:\n{log[-3000:]}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    log = (tmp_path / "server.log").read_text()
    pytest.fail(f"no answer from {url} within {STARTUP_SECONDS}s:\n{log[-3000:]}")
