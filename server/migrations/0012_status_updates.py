"""Status updates: an owner's written update on a goal, key result or campaign.

`status_update` joins the change record of `0006_data_changes` (the same triggers as
`0007_api_tokens`), so every worker's read model holds the updates and a node's latest
one is a lookup, never a statement per node.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from server.enums import ReportedHealth

TRACKED_TABLES = ("status_update",)

SQLITE = [
    f"CREATE TRIGGER {table}_{event.lower()}_recorded AFTER {event} ON {table} "
    f"BEGIN INSERT INTO data_change (tbl, row_id) VALUES ('{table}', {row}.id); END"
    for table in TRACKED_TABLES
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
]

POSTGRES = [
    statement
    for table in TRACKED_TABLES
    for statement in (
        f"CREATE TRIGGER {table}_recorded AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION data_change_recorded()",
        f"CREATE CONSTRAINT TRIGGER {table}_committed AFTER INSERT OR UPDATE OR DELETE "
        f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION data_change_committed()",
    )
]


async def record_status_update_changes(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = SQLITE if client.capabilities.dialect == "sqlite" else POSTGRES
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('models', '0011_exchange_rates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StatusUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('goal', fields.ForeignKeyField('models.Goal', source_field='goal_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='status_updates', on_delete=OnDelete.CASCADE)),
                ('key_result', fields.ForeignKeyField('models.KeyResult', source_field='key_result_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='status_updates', on_delete=OnDelete.CASCADE)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='status_updates', on_delete=OnDelete.CASCADE)),
                ('health', fields.CharEnumField(description='ON_TRACK: ON_TRACK\nAT_RISK: AT_RISK\nOFF_TRACK: OFF_TRACK', enum_type=ReportedHealth, max_length=16)),
                ('computed_health', fields.CharField(default='', max_length=16)),
                ('body', fields.TextField(unique=False)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='status_updates', on_delete=OnDelete.SET_NULL)),
                ('posted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'status_update', 'app': 'models', 'pk_attr': 'id', 'table_description': "An owner's written update on a goal, key result or campaign (exactly one of the"},
            bases=['Entity'],
        ),
        ops.RunPython(record_status_update_changes),
    ]
