"""`throughline import` run as a real process against the test database: the same file
twice changes nothing the second time, a dry run writes nothing, progress goes to
standard error, and a bad line or a command that cannot run is refused clearly."""

from __future__ import annotations

import pytest

from server import models
from server.enums import Role
from tests import factories
from tests.test_cli_users import refused_in_one_line, throughline
from tests.test_ingest_csv import spend_csv

pytestmark = pytest.mark.date_sensitive


async def test_a_file_imported_twice_is_counted_once(db, tmp_path):
    # given
    growth = await factories.team(name="Growth")
    await factories.user(teams=[growth], role=Role.EDITOR, email="gina@example.com")
    campaign = await factories.campaign(growth, currency="USD")
    path = tmp_path / "spend.csv"
    path.write_text(spend_csv(campaign, 1200), encoding="utf-8")
    command = ("import", "spend", str(path), "--as", "Gina@example.com")

    # when
    dry = throughline(*command, "--dry-run", database_url=db)
    rows_after_dry = await models.SpendEntry.all().count()
    first = throughline(*command, database_url=db)
    history_after_first = await models.HistoryEntry.all().count()
    second = throughline(*command, database_url=db)

    # then
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == (
        "1200 rows: 1200 created, 0 updated, 0 unchanged (dry run: nothing written)"
    )
    assert rows_after_dry == 0
    assert first.stdout.strip() == "1200 rows: 1200 created, 0 updated, 0 unchanged"
    assert first.stderr.splitlines() == [
        "throughline import: 500 rows read",
        "throughline import: 1000 rows read",
        "throughline import: 1200 rows read",
    ]
    assert second.stdout.strip() == "1200 rows: 0 created, 0 updated, 1200 unchanged"
    assert await models.SpendEntry.all().count() == 1200
    assert await models.HistoryEntry.all().count() == history_after_first == 2400


async def test_a_bad_line_is_named_and_nothing_written(db, tmp_path):
    # given
    growth = await factories.team(name="Growth")
    await factories.user(role=Role.ADMIN, email="ada@example.com")
    campaign = await factories.campaign(growth, currency="USD")
    lines = spend_csv(campaign, 10).splitlines(keepends=True)
    lines[7] = lines[7].replace(",USD,", ",USD ,").replace(",paid_search,", ",carrier_pigeon,")
    path = tmp_path / "spend.csv"
    path.write_text("".join(lines), encoding="utf-8")

    # when
    done = throughline("import", "spend", str(path), "--as", "ada@example.com", database_url=db)

    # then
    assert done.returncode == 1, done.stderr
    output = done.stdout.splitlines()
    assert output[0] == "1 problem; nothing was written:"
    assert output[1].startswith("  line 8, column channel: `channel` must be one of EMAIL")
    assert await models.SpendEntry.all().count() == 0


async def test_a_command_that_cannot_run_says_why_in_one_line(db, tmp_path):
    # given
    await factories.user(role=Role.VIEWER, email="vic@example.com")
    path = tmp_path / "spend.csv"
    path.write_text("source,external_id\n", encoding="utf-8")

    # when
    nobody = throughline("import", "spend", str(path), "--as", "x@example.com", database_url=db)
    viewer = throughline("import", "spend", str(path), "--as", "vic@example.com", database_url=db)
    missing = throughline(
        "import", "spend", str(tmp_path / "nope.csv"), "--as", "vic@example.com", database_url=db
    )

    # then
    refused_in_one_line(nobody, "no active user has the email x@example.com")
    refused_in_one_line(viewer, "vic@example.com is a viewer and may not write")
    refused_in_one_line(missing, "cannot read")
