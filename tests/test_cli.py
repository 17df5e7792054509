"""The `throughline` command, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from schema import schema

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
