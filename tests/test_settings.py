"""Settings: safe defaults, environment and flags, and one-line refusals of bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings, normalise_database_url


def test_defaults_are_safe():
    # when
    settings = load_settings(env={})

    # then
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.log_level == "INFO"
    assert settings.data_dir == Path("data")
    assert settings.database_url == "sqlite://data/throughline.sqlite3"
    assert settings.engine == "sqlite"


def test_environment_is_read():
    # given
    env = {
        "DATABASE_URL": "postgresql://app@db.internal:5432/throughline",
        "THROUGHLINE_DATA_DIR": "/var/lib/throughline",
        "THROUGHLINE_HOST": "0.0.0.0",
        "THROUGHLINE_PORT": "9000",
        "THROUGHLINE_LOG_LEVEL": "debug",
    }

    # when
    settings = load_settings(env=env)

    # then
    assert settings.database_url == "postgres://app@db.internal:5432/throughline"
    assert settings.engine == "postgres"
    assert settings.data_dir == Path("/var/lib/throughline")
    assert (settings.host, settings.port, settings.log_level) == ("0.0.0.0", 9000, "DEBUG")


def test_flags_win_over_environment():
    # given
    env = {"THROUGHLINE_PORT": "9000", "THROUGHLINE_HOST": "0.0.0.0"}

    # when
    settings = load_settings(env=env, overrides={"port": "8123", "host": None})

    # then
    assert settings.port == 8123
    assert settings.host == "0.0.0.0"


def test_sqlite_file_follows_the_data_directory():
    settings = load_settings(env={"THROUGHLINE_DATA_DIR": "/tmp/tl"})

    assert settings.database_url == "sqlite:///tmp/tl/throughline.sqlite3"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THROUGHLINE_PORT": "0"}, "between 1 and 65535"),
        ({"THROUGHLINE_PORT": "65536"}, "between 1 and 65535"),
        ({"THROUGHLINE_PORT": "eighty"}, "whole number"),
        ({"DATABASE_URL": "mysql://root@localhost/tl"}, "scheme 'mysql' is not supported"),
        ({"DATABASE_URL": "not a url"}, "must look like"),
        ({"DATABASE_URL": "postgresql://localhost"}, "must name a database"),
        ({"THROUGHLINE_LOG_LEVEL": "chatty"}, "must be one of"),
        ({"THROUGHLINE_HOST": "   "}, "must not be empty"),
        ({"THROUGHLINE_REPORTING_CURRENCY": "DOLLARS"}, "THROUGHLINE_REPORTING_CURRENCY must be"),
        ({"THROUGHLINE_FISCAL_YEAR_START_MONTH": "13"}, "between 1 and 12"),
        ({"THROUGHLINE_FISCAL_YEAR_START_MONTH": "April"}, "whole number"),
    ],
)
def test_bad_values_are_refused_in_one_line(env, message):
    with pytest.raises(SettingsError) as raised:
        load_settings(env=env)

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    # given
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")

    # then
    with pytest.raises(SettingsError, match="is not a folder"):
        load_settings(env={"THROUGHLINE_DATA_DIR": str(not_a_folder)})


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("sqlite:///abs/path.db", "sqlite:///abs/path.db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("postgresql://u@h:5432/db", "postgres://u@h:5432/db"),
        ("asyncpg://u@h/db", "postgres://u@h/db"),
    ],
)
def test_database_urls_are_normalised_for_the_orm(raw, normalised):
    assert normalise_database_url(raw) == normalised



def test_money_is_reported_in_usd_and_the_fiscal_year_is_the_calendar_year_by_default():
    default = load_settings(env={})
    chosen = load_settings(
        env={"THROUGHLINE_REPORTING_CURRENCY": " eur ", "THROUGHLINE_FISCAL_YEAR_START_MONTH": "4"}
    )

    assert (default.reporting_currency, default.fiscal_year_start_month) == ("USD", 1)
    assert (chosen.reporting_currency, chosen.fiscal_year_start_month) == ("EUR", 4)
    assert chosen.thresholds.reporting_currency == "EUR"  # what the rollups are computed for
