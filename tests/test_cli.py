"""The `throughline` command, run as a real process."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from schema import schema
from server.cli import demo_wanted
from server.data_sets import ProgressPrinter
from server.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def throughline(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT):
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], ["serve", "load-fixtures", "export-schema"]),
        (["serve"], ["--host", "--port", "--database-url", "--data-dir", "--log-level"]),
        (["load-fixtures"], ["--synthetic", "--nodes", "--seed", "--database-url"]),
        (["export-schema"], ["--output", "--check"]),
    ],
)
def test_help_is_available_on_every_command(command, expected):
    # when
    done = throughline(*command, "--help")

    # then
    assert done.returncode == 0
    for flag in expected:
        assert flag in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["serve"], {"THROUGHLINE_PORT": "70000"}, "between 1 and 65535"),
        (["serve", "--port", "-1"], {}, "between 1 and 65535"),
        (["serve"], {"DATABASE_URL": "oracle://scott@db/orcl"}, "'oracle' is not supported"),
        (["load-fixtures"], {"DATABASE_URL": "mongodb://x/y"}, "'mongodb' is not supported"),
        (["serve", "--log-level", "verbose"], {}, "must be one of"),
        (["load-fixtures", "--synthetic", "--nodes", "5"], {}, "needs at least 20 nodes"),
    ],
)
def test_bad_settings_stop_with_one_line_and_no_traceback(args, env, message):
    # when
    done = throughline(*args, env=env)

    # then
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_export_schema_writes_the_live_sdl(tmp_path):
    # given
    target = tmp_path / "out.graphql"

    # when
    done = throughline("export-schema", "--output", str(target))

    # then
    assert done.returncode == 0
    assert target.read_text(encoding="utf-8") == schema.as_str().rstrip("\n") + "\n"


def test_export_schema_to_stdout():
    done = throughline("export-schema", "-o", "-")

    assert done.returncode == 0
    assert done.stdout == schema.as_str().rstrip("\n") + "\n"


def test_export_schema_check_fails_on_a_stale_file(tmp_path):
    # given
    stale = tmp_path / "stale.graphql"
    stale.write_text("type Query { old: Int }\n", encoding="utf-8")

    # when
    done = throughline("export-schema", "--check", "--output", str(stale))

    # then
    assert done.returncode == 1
    assert "out of date" in done.stderr
    assert stale.read_text(encoding="utf-8") == "type Query { old: Int }\n"


def table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in (
                "team",
                "app_user",
                "goal",
                "key_result",
                "campaign",
                "task",
                "milestone",
                "fixture_load",
            )
        }


def test_load_fixtures_loads_the_demo_once(tmp_path):
    # when
    first = throughline("load-fixtures", "--data-dir", str(tmp_path))
    after_first = table_counts(tmp_path / "throughline.sqlite3")
    second = throughline("load-fixtures", "--data-dir", str(tmp_path))

    # then
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("demo: loaded ")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "demo: already loaded, nothing to do"
    assert table_counts(tmp_path / "throughline.sqlite3") == after_first
    assert after_first["fixture_load"] == 1
    assert after_first["goal"] >= 10
    assert after_first["key_result"] >= 25
    assert after_first["campaign"] >= 20
    assert after_first["task"] >= 150


def test_load_fixtures_synthetic_reports_progress(tmp_path):
    # when
    done = throughline(
        "load-fixtures",
        "--synthetic",
        "--nodes",
        "3000",
        "--seed",
        "5",
        "--database-url",
        f"sqlite://{tmp_path / 'synthetic.sqlite3'}",
    )

    # then
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("synthetic-n3000-s5: loaded ")
    progress = [line for line in done.stderr.splitlines() if line.strip().endswith(" rows")]
    percents = [int(line.split()[0].rstrip("%")) for line in progress]
    assert len(percents) >= 3
    assert percents == sorted(set(percents))
    assert percents[-1] == 100
    assert table_counts(tmp_path / "synthetic.sqlite3")["goal"] == 90


def test_progress_printer_reports_each_tenth_once():
    # given
    stream = io.StringIO()
    printer = ProgressPrinter(stream)

    # when
    for done in (5, 50, 55, 100):
        printer(done, 100)

    # then
    assert stream.getvalue().splitlines() == ["   50%  50/100 rows", "  100%  100/100 rows"]


def test_the_demo_is_never_loaded_in_production() -> None:
    # given
    development = load_settings(env={})
    production = load_settings(env={"THROUGHLINE_ENV": "production"})

    # then
    assert demo_wanted(False, development) is True
    assert demo_wanted(True, development) is False
    assert demo_wanted(False, production) is False
