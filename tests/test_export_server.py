"""An export from the real server over TCP: sent with chunked transfer encoding as it is
made (no length known in advance), and byte for byte what the command line writes."""

from __future__ import annotations

import httpx
import pytest

from tests.server_process import prepare, process_env, running, throughline

pytestmark = pytest.mark.slow

PATH = "/export/workload.jsonl?from=2026-01-05&to=2027-02-28"


def test_the_server_streams_an_export_that_the_command_line_writes_alike(tmp_path):
    # given: a synthetic organisation of 3 000 nodes
    url = f"sqlite://{tmp_path / 'data' / 'throughline.sqlite3'}"
    env = process_env(url, tmp_path / "data", THROUGHLINE_LOG_LEVEL="WARNING")
    prepare(env)
    loaded = throughline(env, "load-fixtures", "--synthetic", "--nodes", "3000")
    assert loaded.returncode == 0, loaded.stderr

    with running(env, tmp_path / "server.log") as server:
        token = server.sign_in()

        # when
        pieces = []
        with (
            httpx.Client(base_url=server.url, timeout=60) as client,
            client.stream("GET", PATH, headers={"Authorization": f"Bearer {token}"}) as answer,
        ):
            status, headers = answer.status_code, answer.headers
            pieces = list(answer.iter_raw())

    # then
    assert status == 200
    assert headers["transfer-encoding"] == "chunked"
    assert "content-length" not in headers
    body = b"".join(pieces)
    assert len(pieces) > 1 and len(body) > 300_000

    # when: the same export from the command line
    target = tmp_path / "workload.jsonl"
    done = throughline(env, "export", "workload", "--format", "jsonl", "--from", "2026-01-05",
                       "--to", "2027-02-28", "--output", str(target))  # fmt: skip

    # then
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == body
