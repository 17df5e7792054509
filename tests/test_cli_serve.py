"""`throughline serve` refuses what it cannot serve, in one line and before listening."""

from __future__ import annotations

from tests.server_process import process_env, throughline


def test_serve_refuses_a_missing_database_and_says_what_to_run(tmp_path):
    # given
    env = process_env(f"sqlite://{tmp_path / 'none.sqlite3'}", tmp_path)

    # when
    done = throughline(env, "serve")

    # then
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"throughline: no database at {tmp_path / 'none.sqlite3'}: "
        "run `throughline migrate` to create it"
    ]
    assert not (tmp_path / "none.sqlite3").exists()


def test_serve_refuses_an_unreachable_postgres_in_one_line(tmp_path):
    # given: nothing listens on port 1
    env = process_env("postgresql://nobody@127.0.0.1:1/throughline", tmp_path)

    # when
    done = throughline(env, "serve")

    # then
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Connect call failed" in done.stderr or "refused" in done.stderr.lower()


def test_workers_must_be_a_whole_number_of_processes(tmp_path):
    env = process_env(f"sqlite://{tmp_path / 'db.sqlite3'}", tmp_path)

    done = throughline(env, "serve", "--workers", "0")

    assert done.returncode == 2
    assert done.stderr.strip() == "throughline: THROUGHLINE_WORKERS must be between 1 and 64, got 0"
