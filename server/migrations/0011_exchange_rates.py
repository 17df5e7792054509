"""Exchange rates for the reporting currency (`server/currency`).

`exchange_rate` joins the change record of `0006_data_changes` (the same triggers), so
a rate set or imported on one worker bumps the data version and every worker's read
model, and the money converted with it, picks it up with the freshness check each
request already makes.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

TRACKED_TABLES = ("exchange_rate",)

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


async def record_rate_changes(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = SQLITE if client.capabilities.dialect == "sqlite" else POSTGRES
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('models', '0010_key_result_sources')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('currency', fields.CharField(description='ISO 4217 code converted from', max_length=3)),
                ('quote', fields.CharField(description='ISO 4217 code converted to', max_length=3)),
                ('date', fields.DateField()),
                ('rate', fields.DecimalField(max_digits=24, decimal_places=12)),
                ('source', fields.CharField(default='manual', description='manual, ecb-csv, ...', max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'exchange_rate', 'app': 'models', 'unique_together': (('currency', 'quote', 'date'),), 'pk_attr': 'id', 'table_description': '1 `currency` = `rate` `quote` on `date` (and, for conversions, until the next'},
            bases=['Model'],
        ),
        ops.RunPython(record_rate_changes),
    ]
