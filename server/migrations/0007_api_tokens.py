"""API tokens and service accounts.

`api_token` joins the change record of `0006_data_changes` (the same triggers), so
every worker's read model learns of a new, revoked or expired token with the freshness
check each request already makes. `api_token_use` (when a token was last used) stays
outside it on purpose: recording a use must not make every worker read tokens again.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

TRACKED_TABLES = ("api_token",)

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


async def record_token_changes(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = SQLITE if client.capabilities.dialect == "sqlite" else POSTGRES
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('models', '0006_data_changes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('scopes', fields.CharField(description='ApiScope names, comma-separated', max_length=64)),
                ('digest', fields.CharField(unique=True, description='SHA-256 of the secret', max_length=64)),
                ('hint', fields.CharField(description='prefix and last characters, not secret', max_length=32)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'models', 'pk_attr': 'id', 'table_description': "A personal access token or a service account's token, kept only as its digest."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ApiTokenUse',
            fields=[
                ('token_id', fields.IntField(primary_key=True, unique=True, db_index=True)),
                ('used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token_use', 'app': 'models', 'pk_attr': 'token_id', 'table_description': 'When a token was last used, at most a minute out of date.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='service_account',
            field=fields.BooleanField(default=False, description='a non-human user: signs in with API tokens only, never a password', db_default=False),
        ),
        ops.RunPython(record_token_changes),
    ]
