"""`throughline create-user` and `reset-password`, run as real processes against the
test database: passwords come from stdin or a prompt, refusals write nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from server import cli, clock, models, passwords
from server.enums import HistoryAction, Role
from server.tokens import digest, new_refresh_token
from tests import factories

pytestmark = pytest.mark.date_sensitive

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough password"


def throughline(*args: str, stdin: str = "", database_url: str | None = None, data_dir=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    if data_dir is not None:
        env["THROUGHLINE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


def refused_in_one_line(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


async def counts() -> tuple[int, int, int]:
    return (
        await models.User.all().count(),
        await models.Membership.all().count(),
        await models.HistoryEntry.all().count(),
    )


async def live_session(user: models.User) -> models.RefreshToken:
    now = clock.now()
    return await models.RefreshToken.create(
        user_id=user.pk,
        token_hash=digest(new_refresh_token()),
        family=new_refresh_token()[:32],
        created_at=now,
        expires_at=now + timedelta(days=30),
    )


def test_both_commands_are_listed():
    # when
    done = throughline("--help")

    # then
    assert done.returncode == 0
    assert "create-user" in done.stdout
    assert "reset-password" in done.stdout


async def test_create_user_reads_the_password_from_stdin(db, tmp_path):
    # given
    await factories.team(name="Marketing")
    await factories.team(name="Sales")

    # when
    done = throughline(
        "create-user",
        "--email",
        "Ada@Example.com",
        "--name",
        "Ada Byron",
        "--role",
        "EDITOR",
        "--team",
        "marketing",
        "--team",
        "Sales",
        "--capacity",
        "32.5",
        stdin=PASSWORD + "\n",
        database_url=db,
        data_dir=tmp_path,
    )

    # then
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "created Ada@Example.com (EDITOR; Marketing, Sales)"
    user = await models.User.get(email_key="ada@example.com")
    assert (user.name, user.role, user.weekly_capacity_hours) == (
        "Ada Byron",
        Role.EDITOR,
        Decimal("32.5"),
    )
    assert user.password_hash.startswith("$argon2id$")
    assert passwords.verify(user.password_hash, PASSWORD)
    teams = await models.Team.filter(memberships__user_id=user.pk).order_by("name")
    assert [team.name for team in teams] == ["Marketing", "Sales"]
    (entry,) = await models.HistoryEntry.filter(node_type="User", node_id=user.pk)
    assert (entry.action, entry.actor_id) == (HistoryAction.CREATED, None)
    assert entry.changes["team_ids"] == {"before": None, "after": [team.pk for team in teams]}
    assert "password_hash" not in entry.changes


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "TAKEN@example.com "], PASSWORD, "already exists"),
        (["--team", "Nonexistent"], PASSWORD, "no team is called 'Nonexistent'"),
        (["--team", "Archived"], PASSWORD, "no team is called 'Archived'"),
        ([], "short", "at least 10 characters"),
    ],
)
async def test_create_user_refusals_write_nothing(db, tmp_path, args, stdin, message):
    # given
    await factories.user(email="taken@example.com")
    await factories.archive(await factories.team(name="Archived"))
    before = await counts()
    defaults = {"--email": "new@example.com", "--name": "New Person", "--role": "VIEWER"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    flags = [part for flag, value in {**defaults, **given}.items() for part in (flag, value)]

    # when
    done = throughline(
        "create-user", *flags, stdin=stdin + "\n", database_url=db, data_dir=tmp_path
    )

    # then
    refused_in_one_line(done, message)
    assert await counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email"], "is not an email address"),
        (["--name", "   "], "the name must have 1 to 120 characters"),
        (["--name", "New\x7fPerson"], "the name must have 1 to 120 characters"),
        (["--name", "New\x85Person"], "the name must have 1 to 120 characters"),
        (["--email", "new\x7f@example.com"], "is not an email address"),
        (["--capacity", "-3"], "--capacity must be 0 to 168 hours"),
        (["--capacity", "lots"], "--capacity must be 0 to 168 hours"),
        (["--capacity", "NaN"], "--capacity must be 0 to 168 hours"),
    ],
)
def test_create_user_checks_its_arguments_before_the_database(tmp_path, capsys, args, message):
    # given
    defaults = {"--email": "new@example.com", "--name": "New Person", "--role": "VIEWER"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    flags = [part for flag, value in {**defaults, **given}.items() for part in (flag, value)]

    # when
    status = cli.main(["create-user", *flags, "--data-dir", str(tmp_path)])

    # then
    assert status == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "throughline.sqlite3").exists()


def test_a_password_is_never_taken_from_the_command_line(capsys):
    # when
    with pytest.raises(SystemExit) as stopped:
        cli.main(
            ["create-user", "--email", "new@example.com", "--name", "New", "--role", "ADMIN"]
            + ["--password", PASSWORD]
        )

    # then
    assert stopped.value.code == 2
    assert "unrecognized arguments: --password" in capsys.readouterr().err


def test_an_unknown_role_is_refused(capsys):
    # when
    with pytest.raises(SystemExit) as stopped:
        cli.main(["create-user", "--email", "new@example.com", "--name", "New", "--role", "OWNER"])

    # then
    assert stopped.value.code == 2
    assert "invalid choice: 'OWNER'" in capsys.readouterr().err


async def test_reset_password_sets_it_and_ends_every_session(db, tmp_path):
    # given
    user = await factories.user(
        email="forgetful@example.com", password_hash=passwords.hash_password("the old password")
    )
    sessions = [await live_session(user) for _ in range(2)]

    # when
    done = throughline(
        "reset-password",
        "--email",
        "FORGETFUL@example.com",
        stdin=PASSWORD + "\n",
        database_url=db,
        data_dir=tmp_path,
    )

    # then
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "new password set for forgetful@example.com; 2 session(s) ended"
    await user.refresh_from_db()
    assert passwords.verify(user.password_hash, PASSWORD)
    assert not passwords.verify(user.password_hash, "the old password")
    for session in sessions:
        await session.refresh_from_db()
        assert session.revoked_at is not None
    (entry,) = await models.HistoryEntry.filter(node_type="User", node_id=user.pk)
    assert (entry.action, entry.actor_id) == (HistoryAction.PASSWORD_SET, None)
    assert entry.changes == {"live_sessions": {"before": 2, "after": 0}}


@pytest.mark.parametrize(
    ("email", "stdin", "message"),
    [
        ("nobody@example.com", PASSWORD, "no user has the email nobody@example.com"),
        ("forgetful@example.com", "short", "at least 10 characters"),
    ],
)
async def test_reset_password_refusals_change_nothing(db, tmp_path, email, stdin, message):
    # given
    user = await factories.user(
        email="forgetful@example.com", password_hash=passwords.hash_password("the old password")
    )
    session = await live_session(user)
    before = await counts()

    # when
    done = throughline(
        "reset-password", "--email", email, stdin=stdin + "\n", database_url=db, data_dir=tmp_path
    )

    # then
    refused_in_one_line(done, message)
    await user.refresh_from_db()
    await session.refresh_from_db()
    assert passwords.verify(user.password_hash, "the old password")
    assert session.revoked_at is None
    assert await counts() == before


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_password_is_asked_for_twice(monkeypatch):
    # given
    answers = iter([PASSWORD, PASSWORD])
    prompts: list[str] = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(
        cli.getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers)
    )

    # when
    password = cli.read_password()

    # then
    assert password == PASSWORD
    assert prompts == ["Password: ", "Password again: "]


def test_on_a_terminal_two_different_passwords_are_refused(monkeypatch):
    # given
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))

    # when / then
    with pytest.raises(cli.CommandError, match="the two passwords differ"):
        cli.read_password()


def test_from_a_pipe_one_line_is_the_password(monkeypatch):
    # given: spaces inside and around are part of it; the line break is not
    monkeypatch.setattr(sys, "stdin", io.StringIO(" spaced  password \r\nsecond line\n"))

    # when
    password = cli.read_password()

    # then
    assert password == " spaced  password "
