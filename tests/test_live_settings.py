"""The live updates' settings: read from the environment, bad values refused in one line."""

from __future__ import annotations

import pytest

from server.settings import Live, SettingsError, load_settings


def test_defaults() -> None:
    assert load_settings(env={}).live == Live(
        redis_url="", max_connections=5, max_subscriptions=10, queue_size=100, poll_seconds=1.0
    )


def test_environment_is_read() -> None:
    live = load_settings(
        env={
            "THROUGHLINE_REDIS_URL": "redis://127.0.0.1:6379/2",
            "THROUGHLINE_LIVE_MAX_CONNECTIONS": "2",
            "THROUGHLINE_LIVE_MAX_SUBSCRIPTIONS": "3",
            "THROUGHLINE_LIVE_QUEUE": "40",
            "THROUGHLINE_LIVE_POLL": "0.5",
        }
    ).live
    assert live == Live("redis://127.0.0.1:6379/2", 2, 3, 40, 0.5)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THROUGHLINE_REDIS_URL": "http://cache:6379"}, "THROUGHLINE_REDIS_URL must start with"),
        ({"THROUGHLINE_LIVE_MAX_CONNECTIONS": "0"}, "THROUGHLINE_LIVE_MAX_CONNECTIONS"),
        ({"THROUGHLINE_LIVE_QUEUE": "lots"}, "THROUGHLINE_LIVE_QUEUE"),
        ({"THROUGHLINE_LIVE_POLL": "0"}, "THROUGHLINE_LIVE_POLL"),
    ],
)
def test_bad_values_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env=env)
