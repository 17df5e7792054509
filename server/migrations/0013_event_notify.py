"""On PostgreSQL, every INSERT into `event` notifies `throughline_events` inside its
transaction: delivered to listeners at commit, never for a write that rolled back, and
once per transaction however many events it wrote. Live subscribers in every server
process wake on it (`server/live/wakeups.py`). SQLite needs nothing: its processes tail
the table."""

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES = [
    """CREATE FUNCTION event_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('throughline_events', '');
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER event_notify AFTER INSERT ON event "
    "FOR EACH STATEMENT EXECUTE FUNCTION event_notify()",
]


async def create_event_notify(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        return
    for statement in POSTGRES:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0012_status_updates")]

    initial = False

    operations = [ops.RunPython(create_event_notify)]
