"""`throughline backup` while the server takes writes, and `restore` of that backup."""

from __future__ import annotations

import sqlite3
import threading

import httpx
import pytest

from tests.server_process import (
    create_team,
    prepare,
    process_env,
    read_team_names,
    running,
    throughline,
)


def writes_until(stop: threading.Event, url: str, token: str, acknowledged: list[str]) -> None:
    with httpx.Client() as client:
        number = 0
        while not stop.is_set():
            name = f"written {number}"
            number += 1
            answer = create_team(client, url, token, name)
            assert answer["data"]["teamCreate"]["team"]["name"] == name, answer
            acknowledged.append(name)


@pytest.mark.slow
def test_a_backup_taken_under_writes_restores_to_a_consistent_database(tmp_path):
    # given: a server taking a steady stream of writes
    live = tmp_path / "live" / "throughline.sqlite3"
    env = process_env(f"sqlite://{live}", tmp_path / "live")
    prepare(env)
    copy = tmp_path / "backup.sqlite3"
    acknowledged: list[str] = []
    stop = threading.Event()
    with running(env, tmp_path / "server.log") as server:
        writer = threading.Thread(
            target=writes_until, args=(stop, server.url, server.sign_in(), acknowledged)
        )
        writer.start()
        try:
            while len(acknowledged) < 30:
                stop.wait(0.02)
            before = set(acknowledged)

            # when
            done = throughline(env, "backup", str(copy))
            after = set(acknowledged)
            while len(acknowledged) < len(after) + 10:
                stop.wait(0.02)  # the server kept writing after the backup
        finally:
            stop.set()
            writer.join(timeout=30)
    restored_url = f"sqlite://{tmp_path / 'restored' / 'throughline.sqlite3'}"
    restored_env = process_env(restored_url, tmp_path / "restored")
    restored = throughline(restored_env, "restore", str(copy))
    migrated = throughline(restored_env, "migrate")

    # then: the copy holds every write acknowledged before it began, and nothing that
    # was not acknowledged by the time it finished (one write may be in flight)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backed up {live} to {copy}")
    assert restored.returncode == 0, restored.stderr
    assert migrated.stdout.strip() == "the database schema is up to date"
    with sqlite3.connect(tmp_path / "restored" / "throughline.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    names = read_team_names(restored_url)
    assert before <= names
    assert len(names - after) <= 1
    assert len(read_team_names(f"sqlite://{live}")) == len(set(acknowledged))
    with running(restored_env, tmp_path / "restored.log") as again:
        assert httpx.get(f"{again.url}/healthz").json()["status"] == "ok"


def test_restore_refuses_to_replace_a_database_without_force(tmp_path):
    # given
    env = process_env(f"sqlite://{tmp_path / 'live.sqlite3'}", tmp_path)
    assert throughline(env, "migrate").returncode == 0
    assert throughline(env, "backup", str(tmp_path / "copy.sqlite3")).returncode == 0

    # when
    refused = throughline(env, "restore", str(tmp_path / "copy.sqlite3"))
    forced = throughline(env, "restore", "--force", str(tmp_path / "copy.sqlite3"))

    # then
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"throughline: {tmp_path / 'live.sqlite3'} already exists; "
        "stop the server and give --force to replace it"
    )
    assert forced.returncode == 0, forced.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database at all" * 100, "is not a readable SQLite database"),
        (None, "is not a Throughline database"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_throughline_backup(tmp_path, content, message):
    # given
    source = tmp_path / "source.sqlite3"
    if content is None:
        with sqlite3.connect(source) as connection:
            connection.execute("CREATE TABLE other (id INTEGER)")
        connection.close()
    else:
        source.write_bytes(content)
    env = process_env(f"sqlite://{tmp_path / 'target.sqlite3'}", tmp_path)

    # when
    done = throughline(env, "restore", str(source))

    # then
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "target.sqlite3").exists()


def test_backup_refuses_postgres_and_an_existing_file(tmp_path):
    postgres = process_env("postgresql://someone@127.0.0.1:5432/throughline", tmp_path)
    sqlite = process_env(f"sqlite://{tmp_path / 'live.sqlite3'}", tmp_path)
    assert throughline(sqlite, "migrate").returncode == 0
    (tmp_path / "taken.sqlite3").write_bytes(b"keep me")

    on_postgres = throughline(postgres, "backup", str(tmp_path / "pg.sqlite3"))
    over_a_file = throughline(sqlite, "backup", str(tmp_path / "taken.sqlite3"))

    assert on_postgres.returncode == 2
    assert "back up PostgreSQL with pg_dump" in on_postgres.stderr
    assert over_a_file.returncode == 2
    assert "already exists; choose a new file name" in over_a_file.stderr
    assert (tmp_path / "taken.sqlite3").read_bytes() == b"keep me"
