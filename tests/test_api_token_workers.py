"""API tokens across server processes: two `throughline serve` processes on one
database, each with its own read model. A token made from the command line works on
both at once, and its revocation through one is refused by the other on its very next
request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.server_process import ADMIN, engine_database, prepare, process_env, running
from tests.server_process import throughline as run_command

pytestmark = [pytest.mark.slow, pytest.mark.date_sensitive]

TEAMS = "query Teams { teams { totalCount } }"
TOKENS = "query Tokens { apiTokens { nodes { id name } } }"
REVOKE = """
mutation Revoke($input: ApiTokenRevokeInput!) {
  apiTokenRevoke(input: $input) { apiToken { revokedAt } userErrors { message } }
}
"""


def post(url: str, token: str, query: str, variables: dict | None = None) -> dict:
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_token_revoked_through_one_process_is_refused_by_the_other_at_once(
    engine: str, tmp_path: Path
):
    with engine_database(engine, tmp_path) as url:
        # given
        env = process_env(url, tmp_path / "data")
        prepare(env)
        made = run_command(
            env,
            "token",
            "create",
            "--user",
            ADMIN,
            "--scope",
            "read",
            "--scope",
            "write",
            "--name",
            "Across",
        )
        assert made.returncode == 0, made.stderr
        secret = made.stdout.splitlines()[0]
        with (
            running(env, tmp_path / "one.log") as one,
            running(env, tmp_path / "two.log") as two,
        ):
            assert post(one.url, secret, TEAMS) == post(two.url, secret, TEAMS)
            token_id = post(one.url, secret, TOKENS)["data"]["apiTokens"]["nodes"][0]["id"]

            # when
            revoked = post(one.url, one.sign_in(), REVOKE, {"input": {"id": token_id}})
            refused = post(two.url, secret, TEAMS)

        # then
        assert revoked["data"]["apiTokenRevoke"]["apiToken"]["revokedAt"]
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert refused["errors"][0]["message"] == "The API token has been revoked."
