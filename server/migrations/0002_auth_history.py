from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.enums import HistoryAction
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HistoryEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('node_type', fields.CharField(max_length=32)),
                ('node_id', fields.IntField()),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='history', on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('action', fields.CharEnumField(description='CREATED: CREATED\nUPDATED: UPDATED\nARCHIVED: ARCHIVED\nMOVED: MOVED\nCHECKED_IN: CHECKED_IN\nALIGNMENTS_SET: ALIGNMENTS_SET\nSPEND_ADDED: SPEND_ADDED\nRESULT_ADDED: RESULT_ADDED\nPASSWORD_SET: PASSWORD_SET\nSESSIONS_REVOKED: SESSIONS_REVOKED', enum_type=HistoryAction, max_length=24)),
                ('changes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'history_entry', 'app': 'models', 'indexes': [Index(fields=['node_type', 'node_id'])], 'pk_attr': 'id', 'table_description': 'One recorded change of one node: who, when, what, and each field before and after.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('family', fields.CharField(db_index=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refresh_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A refresh token, kept only as its SHA-256 digest.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='password_hash',
            field=fields.CharField(null=True, max_length=255),
        ),
    ]
