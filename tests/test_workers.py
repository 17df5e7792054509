"""`throughline serve --workers 2` on SQLite: concurrent writes through both processes
all succeed (WAL, busy timeout, immediate write transactions), none "database is locked"."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.server_process import create_team, prepare, process_env, read_team_names, running

CLIENTS = 6
WRITES_EACH = 20


@pytest.mark.slow
def test_two_workers_take_concurrent_writes_on_sqlite(tmp_path):
    # given
    url = f"sqlite://{tmp_path / 'data' / 'throughline.sqlite3'}"
    # The clients share one account: let each have its request in flight.
    env = process_env(url, tmp_path / "data", THROUGHLINE_MAX_IN_FLIGHT=str(CLIENTS))
    prepare(env)

    def client(number: int) -> list[dict]:
        with httpx.Client() as http:
            return [
                create_team(http, server.url, token, f"team {number}-{n}")
                for n in range(WRITES_EACH)
            ]

    # when
    with running(env, tmp_path / "server.log", "--workers", "2") as server:
        token = server.sign_in()
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = [a for batch in pool.map(client, range(CLIENTS)) for a in batch]
        log = server.output()

    # then
    assert [a for a in answers if "errors" in a or a["data"]["teamCreate"]["userErrors"]] == []
    expected = {f"team {c}-{n}" for c in range(CLIENTS) for n in range(WRITES_EACH)}
    assert read_team_names(url) == expected
    assert len(set(re.findall(r"Started server process \[(\d+)\]", log))) == 2
    assert "database is locked" not in log
    assert "Traceback" not in log
