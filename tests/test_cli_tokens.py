"""`throughline token create|list|revoke`, run as real processes against the test
database: the secret printed once and working at once, refusals in one line that
write nothing, and a revoked token refused by the running app."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from server import models
from server.enums import Role
from tests import factories
from tests.bearer import BearerClient, last_use
from tests.pinned_time import pinned_now, server_clock_setting
from tests.test_cli_users import ROOT, refused_in_one_line

pytestmark = pytest.mark.date_sensitive

ME = "query Me { me { name } teams { totalCount } }"


def throughline(*args: str, database_url: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The command in a process of its own, on the suite's clock."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "THROUGHLINE_CLOCK": server_clock_setting(),
    }
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


async def test_token_create_prints_a_working_secret_once(db, gql):
    # given
    await factories.user(email="robot@example.com", name="Robot", role=Role.EDITOR)

    expires = (pinned_now() + timedelta(days=30)).date()

    # when
    done = throughline(
        "token",
        "create",
        "--user",
        "ROBOT@example.com",
        "--scope",
        "read",
        "--scope",
        "write",
        "--name",
        "Nightly import",
        "--expires",
        expires.isoformat(),
        database_url=db,
    )

    # then
    assert done.returncode == 0, done.stderr
    secret, summary = done.stdout.strip().splitlines()
    assert secret.startswith("tl_pat_") and len(secret) == 56
    token = await models.ApiToken.get(name="Nightly import")
    assert summary == (
        f"token {token.pk} 'Nightly import' for robot@example.com (READ,WRITE; expires "
        f"{expires.isoformat()} 00:00 UTC): keep the secret above, it is not shown again"
    )
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.scopes, token.hint) == ("READ,WRITE", f"tl_pat_…{secret[-4:]}")
    entry = await models.HistoryEntry.get(node_type="ApiToken", node_id=token.pk)
    assert entry.actor_id is None and "digest" not in entry.changes
    assert (await BearerClient(gql.http, secret).data(ME))["me"] == {"name": "Robot"}


async def test_a_service_accounts_token_from_the_command_line(db, gql):
    # given
    await factories.user(email="crm@example.com", name="CRM", service_account=True)

    # when
    done = throughline(
        "token",
        "create",
        "--user",
        "crm@example.com",
        "--scope",
        "read",
        "--name",
        "CRM",
        database_url=db,
    )

    # then
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tl_sat_")
    assert "expires never" in done.stdout


async def test_token_list_shows_no_secret_and_revoke_stops_the_token_at_once(db, gql):
    # given
    await factories.user(email="robot@example.com", name="Robot", role=Role.EDITOR)
    made = throughline(
        "token",
        "create",
        "--user",
        "robot@example.com",
        "--scope",
        "read",
        "--name",
        "Sync",
        database_url=db,
    )
    secret = made.stdout.splitlines()[0]
    client = BearerClient(gql.http, secret)
    await client.data(ME)
    token = await models.ApiToken.get(name="Sync")
    used_at = await last_use(token.pk)

    # when
    listed = throughline("token", "list", "--user", "robot@example.com", database_url=db)
    revoked = throughline("token", "revoke", str(token.pk), database_url=db)
    after = throughline("token", "list", "--user", "robot@example.com", database_url=db)

    # then
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.strip().splitlines()
    assert header.split("\t") == ["ID", "NAME", "SCOPES", "HINT", "CREATED", "EXPIRES", "LAST USED"]
    fields = row.split("\t")
    assert fields[:4] == [str(token.pk), "Sync", "READ", f"tl_pat_…{secret[-4:]}"]
    assert fields[5] == "never"
    assert used_at is not None and fields[6] == used_at.strftime("%Y-%m-%d %H:%M UTC")
    assert secret[7:-6] not in listed.stdout
    assert revoked.stdout.strip() == f"token {token.pk} 'Sync' is revoked"
    assert after.stdout.strip() == "robot@example.com has no tokens"
    error = await client.error(ME)
    assert error["message"] == "The API token has been revoked."


@pytest.mark.parametrize(
    "args, message",
    [
        (["--user", "nobody@example.com", "--scope", "read"], "no user has the email"),
        (["--user", "viewer@example.com", "--scope", "write"], "cannot use WRITE"),
        (
            ["--user", "viewer@example.com", "--scope", "read", "--expires", "2020-01-01"],
            "`expiresAt` must be in the future",
        ),
        (
            ["--user", "viewer@example.com", "--scope", "read", "--expires", "soon"],
            "--expires must read YYYY-MM-DD",
        ),
        (["--user", "gone@example.com", "--scope", "read"], "is disabled"),
    ],
)
async def test_token_create_refusals_write_nothing(db, args, message):
    # given
    await factories.user(email="viewer@example.com", role=Role.VIEWER)
    gone = await factories.user(email="gone@example.com", role=Role.VIEWER)
    await factories.archive(gone)

    # when
    done = throughline("token", "create", "--name", "X", *args, database_url=db)

    # then
    refused_in_one_line(done, message)
    assert await models.ApiToken.all().count() == 0


async def test_token_revoke_of_an_unknown_id_is_refused(db):
    # when
    unknown = throughline("token", "revoke", "999", database_url=db)
    garbage = throughline("token", "revoke", "abc", database_url=db)

    # then
    refused_in_one_line(unknown, "no token has the ID 999")
    refused_in_one_line(garbage, "a token ID is a number")


async def test_a_service_account_gets_no_password_from_the_command_line(db):
    # given
    await factories.user(email="crm@example.com", name="CRM", service_account=True)

    # when
    done = throughline(
        "reset-password",
        "--email",
        "crm@example.com",
        stdin="a long enough password\n",
        database_url=db,
    )

    # then
    refused_in_one_line(done, "is a service account, which never has a password")
    assert (await models.User.get(email_key="crm@example.com")).password_hash is None
