"""Webhook settings are read from the environment and checked like every setting."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from server.settings import SettingsError, Webhooks, load_settings


def test_the_defaults_and_environment_values():
    assert load_settings(env={}).webhooks == Webhooks()
    read = load_settings(
        env={
            "THROUGHLINE_WEBHOOK_POLL": "0.2",
            "THROUGHLINE_WEBHOOK_TIMEOUT": "3",
            "THROUGHLINE_WEBHOOK_LEASE": "9",
            "THROUGHLINE_WEBHOOK_RETRY_BASE": "1",
            "THROUGHLINE_WEBHOOK_RETRY_MAX": "60",
            "THROUGHLINE_WEBHOOK_MAX_ATTEMPTS": "5",
            "THROUGHLINE_WEBHOOK_DISABLE_AFTER_FAILURES": "7",
            "THROUGHLINE_WEBHOOK_DISABLE_AFTER_HOURS": "2.5",
            "THROUGHLINE_WEBHOOK_SECRET_GRACE_HOURS": "1",
            "THROUGHLINE_WEBHOOK_ALLOW_NETWORKS": "10.1.0.0/16",
            "THROUGHLINE_WEBHOOK_WORKER": "false",
        }
    ).webhooks
    assert read == Webhooks(
        worker=False,
        poll_seconds=0.2,
        timeout_seconds=3,
        lease_seconds=9,
        retry_base_seconds=1,
        retry_max_seconds=60,
        max_attempts=5,
        disable_after_failures=7,
        disable_after_hours=2.5,
        secret_grace_hours=1,
        allow_networks=(ip_network("10.1.0.0/16"),),
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THROUGHLINE_WEBHOOK_LEASE": "5"}, "LEASE must be longer than"),
        ({"THROUGHLINE_WEBHOOK_RETRY_MAX": "1"}, "RETRY_MAX must not be below"),
        ({"THROUGHLINE_WEBHOOK_MAX_ATTEMPTS": "0"}, "between 1 and 100"),
        ({"THROUGHLINE_WEBHOOK_DISABLE_AFTER_HOURS": "soon"}, "number of hours"),
        ({"THROUGHLINE_WEBHOOK_ALLOW_NETWORKS": "10.1.0.0/33"}, "must list networks"),
    ],
)
def test_bad_values_stop_start_up_with_one_line(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env=env)
