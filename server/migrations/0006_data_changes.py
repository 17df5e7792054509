"""The change record the in-process read model follows (`server/read_model`).

Every insert, update and delete of a table the read model holds leaves a row in
`data_change` (table name, row id) through a trigger, so no write path can forget to
record itself: mutations, imports, the CLI and hand-run SQL alike. Each row carries a
data version that grows in commit order, so a reader that has applied every change up
to version V knows nothing at or below V is still to come:

- On SQLite writers are serialised by the database lock, so the row's own
  autoincrement key is that version.
- On PostgreSQL writers overlap, so the version is given at commit time: a deferred
  trigger bumps the one `data_version` row (whose lock orders the commits) and stamps
  the transaction's change rows with it. Until then they carry no version and no
  reader sees them.

`data_version.epoch` is drawn when the database is created: a reader that finds
another epoch (a database recreated, restored, or reset by a test) rebuilds instead of
trusting its version. `pruned_through` says which versions were deleted as too old.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

TRACKED_TABLES = (
    "team",
    "app_user",
    "membership",
    "goal",
    "key_result",
    "check_in",
    "campaign",
    "campaign_channel",
    "alignment",
    "spend_entry",
    "result_entry",
    "task",
    "milestone",
    "external_calendar",
    "external_event",
)

SQLITE = [
    "CREATE TABLE data_change (version INTEGER PRIMARY KEY AUTOINCREMENT, "
    "tbl TEXT NOT NULL, row_id INTEGER NOT NULL)",
    "CREATE TABLE data_version (id INTEGER PRIMARY KEY, epoch TEXT NOT NULL, "
    "pruned_through INTEGER NOT NULL DEFAULT 0)",
    "INSERT INTO data_version (id, epoch, pruned_through) VALUES (1, lower(hex(randomblob(16))), 0)",
    *(
        f"CREATE TRIGGER {table}_{event.lower()}_recorded AFTER {event} ON {table} "
        f"BEGIN INSERT INTO data_change (tbl, row_id) VALUES ('{table}', {row}.id); END"
        for table in TRACKED_TABLES
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
]

POSTGRES = [
    "CREATE TABLE data_change (id BIGSERIAL PRIMARY KEY, version BIGINT, "
    "tx BIGINT NOT NULL DEFAULT txid_current(), tbl TEXT NOT NULL, row_id BIGINT NOT NULL)",
    "CREATE INDEX data_change_version ON data_change (version)",
    "CREATE INDEX data_change_unstamped ON data_change (tx) WHERE version IS NULL",
    "CREATE TABLE data_version (id INT PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0, "
    "epoch TEXT NOT NULL, pruned_through BIGINT NOT NULL DEFAULT 0)",
    "INSERT INTO data_version (id, epoch) VALUES (1, md5(random()::text || clock_timestamp()::text))",
    """CREATE FUNCTION data_change_recorded() RETURNS trigger AS $$
BEGIN
    INSERT INTO data_change (tbl, row_id)
    VALUES (TG_TABLE_NAME, CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION data_change_committed() RETURNS trigger AS $$
DECLARE
    stamped BIGINT;
BEGIN
    IF current_setting('throughline.stamped_tx', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('throughline.stamped_tx', txid_current()::text, true);
    UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version INTO stamped;
    IF NOT FOUND THEN
        INSERT INTO data_version (id, version, epoch)
        VALUES (1, 1, md5(random()::text || clock_timestamp()::text))
        RETURNING version INTO stamped;
    END IF;
    UPDATE data_change SET version = stamped WHERE tx = txid_current() AND version IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    *(
        statement
        for table in TRACKED_TABLES
        for statement in (
            f"CREATE TRIGGER {table}_recorded AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION data_change_recorded()",
            f"CREATE CONSTRAINT TRIGGER {table}_committed AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION data_change_committed()",
        )
    ),
]


async def create_change_record(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = SQLITE if client.capabilities.dialect == "sqlite" else POSTGRES
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_sign_in")]

    initial = False

    operations = [ops.RunPython(create_change_record)]
