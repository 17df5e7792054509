"""Feed secrets never reach the access log whole: in the filter itself, and in the real
server's output with one worker and with several."""

from __future__ import annotations

import logging

import httpx
import pytest

from server.access_log import FeedSecretFilter, log_config
from tests.server_process import prepare, process_env, running

SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"
FEED_CREATE = """
mutation { calendarFeedCreate(input: {name: "Plans"}) { url userErrors { code } } }
"""


def test_the_access_log_shows_a_feed_secret_only_by_its_first_characters(caplog):
    # given: uvicorn's access logger with the configured filter
    logger = logging.getLogger("uvicorn.access")
    logger.addFilter(FeedSecretFilter())
    assert log_config()["loggers"]["uvicorn.access"]["filters"] == ["feed_secrets"]

    # when: a line as uvicorn writes it
    try:
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            logger.info(
                '%s - "%s %s HTTP/%s" %d',
                "127.0.0.1:50000",
                "GET",
                f"/calendar/{SECRET}.ics?refresh=1",
                "1.1",
                200,
            )
    finally:
        logger.filters.clear()

    # then
    assert SECRET not in caplog.text
    assert "/calendar/AbCd….ics?refresh=1" in caplog.text


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_feed_secrets_stay_out_of_the_server_log(tmp_path, workers):
    # given
    url = f"sqlite://{tmp_path / 'data' / 'throughline.sqlite3'}"
    env = process_env(url, tmp_path / "data")
    prepare(env)

    # when: a feed is created and read, and a wrong secret is tried
    with running(env, tmp_path / "server.log", "--workers", workers) as server:
        token = server.sign_in()
        made = httpx.post(
            f"{server.url}/graphql",
            json={"query": FEED_CREATE},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()["data"]["calendarFeedCreate"]
        secret = made["url"].rsplit("/", 1)[1].removesuffix(".ics")
        assert httpx.get(f"{server.url}/calendar/{secret}.ics", timeout=30).status_code == 200
        assert httpx.get(f"{server.url}/calendar/{SECRET}.ics", timeout=30).status_code == 404
        log = server.output()

    # then: both requests are logged, neither secret in full
    assert f'/calendar/{secret[:4]}….ics HTTP/1.1" 200' in log
    assert '/calendar/AbCd….ics HTTP/1.1" 404' in log
    assert secret not in log
    assert SECRET not in log
