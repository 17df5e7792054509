"""The server's clock: pinned by THROUGHLINE_CLOCK for demos and tests, read by
everything that asks for the time, token expiry included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from server import clock
from server.settings import SettingsError, load_settings
from server.tokens import TokenRejected, TokenSigner

pytestmark = pytest.mark.date_sensitive

SECRET = "clock-test-signing-secret-" + "z" * 32


@pytest.fixture
def restored_clock():
    """Put the suite's pinned clock back after a test that moves it."""
    before = clock.now() - datetime.now(UTC)
    yield
    clock.start_at(datetime.now(UTC) + before)


def test_a_date_starts_the_clock_at_midnight_utc():
    # when
    start = load_settings(env={"THROUGHLINE_CLOCK": "2028-02-29"}).clock_start

    # then
    assert start is not None
    assert (start.instant, start.real) == (datetime(2028, 2, 29, tzinfo=UTC), None)


def test_an_instant_and_the_real_moment_it_was_shown_are_read():
    # when
    start = load_settings(
        env={"THROUGHLINE_CLOCK": "2026-12-31T23:30:00+02:00@1800000000.5"}
    ).clock_start

    # then
    assert start is not None
    assert start.instant == datetime(2026, 12, 31, 21, 30, tzinfo=UTC)
    assert start.real == datetime.fromtimestamp(1800000000.5, UTC)


@pytest.mark.parametrize(
    "value",
    ["tomorrow", "2027-02-30", "2027-03-10T09:30:00", "2027-03-10@soon", "2027-03-10@1e400"],
)
def test_a_bad_clock_setting_is_refused_in_one_line(value):
    with pytest.raises(SettingsError, match="THROUGHLINE_CLOCK must be") as refused:
        load_settings(env={"THROUGHLINE_CLOCK": value})
    assert "\n" not in str(refused.value)


def test_production_never_runs_on_a_pinned_clock():
    with pytest.raises(SettingsError, match="production runs on real time"):
        load_settings(env={"THROUGHLINE_ENV": "production", "THROUGHLINE_CLOCK": "2027-03-10"})


def test_the_clock_shows_the_pinned_instant_at_the_real_moment_named(restored_clock):
    # given: the clock showed 29 February 2028, noon, an hour ago
    real = datetime.now(UTC) - timedelta(hours=1)

    # when
    clock.start_at(datetime(2028, 2, 29, 12, tzinfo=UTC), real)

    # then: it has run on for that hour
    shown = clock.now()
    assert datetime(2028, 2, 29, 13, tzinfo=UTC) <= shown
    assert shown < datetime(2028, 2, 29, 13, 1, tzinfo=UTC)
    assert clock.today() == date(2028, 2, 29)


@pytest.mark.parametrize("years", [-3, 3])
def test_access_tokens_live_by_the_servers_clock(restored_clock, years):
    # given: a clock years away from the real time
    clock.start_at(datetime.now(UTC) + timedelta(days=365 * years))
    signer = TokenSigner(SECRET, access_minutes=15)
    token = signer.issue(7).token

    # then: valid now on that clock...
    assert signer.bearer_of(token).user_id == 7

    # ...and expired once that clock passes its 15 minutes
    clock.start_at(clock.now() + timedelta(minutes=16))
    with pytest.raises(TokenRejected, match="expired"):
        signer.bearer_of(token)
