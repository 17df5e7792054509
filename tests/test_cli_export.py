"""`throughline export`, run as a real process on the test's database (both engines):
the same bytes as the HTTP export, to a file or standard output, and refusals that
leave nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server import clock
from tests.export_org import TODAY, fetch, organisation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def throughline(database_url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "export", *args],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "THROUGHLINE_CLOCK": f"{TODAY.isoformat()}T12:00:00Z",
            "THROUGHLINE_LOG_LEVEL": "WARNING",
        },
    )


async def test_export_to_a_file_writes_what_http_serves(db, gql, tmp_path):
    # given
    await organisation()
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "tree.csv"

    # when
    done = throughline(db, "tree", "--campaigns", "--output", str(target))

    # then
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == f"wrote 7 tree rows to {target}\n"
    served = await fetch(gql, "/export/tree.csv", campaigns="true")
    assert target.read_bytes() == served.content
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(folder) == ["tree.csv"]


async def test_export_to_standard_output_with_teams_by_name(db, gql):
    # given
    ids = await organisation()

    # when
    done = throughline(
        db, "calendar", "--from", "2026-04-01", "--to", "2026-04-30", "--team", "sales",
        "--kind", "LAUNCH", "--kind", "WEBINAR", "--time-zone", "Europe/Berlin",
        "--format", "jsonl",
    )  # fmt: skip

    # then
    assert done.returncode == 0, done.stderr
    params = {"from": "2026-04-01", "to": "2026-04-30", "teams": ids["sales"],
              "kinds": "LAUNCH,WEBINAR", "timeZone": "Europe/Berlin"}  # fmt: skip
    served = await fetch(gql, "/export/calendar.jsonl", **params)
    assert done.stdout == served.content
    assert done.stdout.count(b"\n") == 1  # the Sales launch; the webinar is Growth's


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["workload", "--from", "2026-04-01"], "--to is required for this export."),
        (["tree", "--from", "2026-04-01"], "Unknown parameter --from;"),
        (["campaigns", "--team", "Nobody"], "No team is called 'Nobody'."),
        (["calendar", "--from", "2026-04-01", "--to", "2026-04-31"], "--to must be a date"),
        (["risks", "--severity", "bad"], "not one of LOW, MEDIUM, HIGH, CRITICAL"),
    ],
)
async def test_a_refused_export_says_why_in_one_line_and_writes_nothing(
    db, tmp_path, args, message
):
    # given
    await organisation()
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.csv"

    # when
    done = throughline(db, *args, "--output", str(target))

    # then
    assert done.returncode == 2
    stderr = done.stderr.decode()
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr
    assert os.listdir(folder) == []


def test_help_lists_every_kind_and_option():
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "export", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )

    assert done.returncode == 0
    words = ["tree", "campaigns", "risks", "workload", "calendar", "--format", "--from", "--to"]
    words += ["--team", "--output", "--time-zone", "--kind", "--tasks", "--root", "--severity"]
    for word in words:
        assert word in done.stdout
