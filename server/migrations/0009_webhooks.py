"""Events (the record of what happened, written with each change), the recorded risk
set, and webhook endpoints with their deliveries and attempts."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_external_ids')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('type', fields.CharField(description='from the catalogue, e.g. task.updated', max_length=48)),
                ('node_type', fields.CharField(max_length=32)),
                ('node_id', fields.IntField()),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('changes', fields.JSONField(default=dict, description='API field -> {before, after}', encoder=JSON_DUMPS, decoder=loads)),
                ('dispatched', fields.BooleanField(default=False, description='fanned out to webhooks')),
            ],
            options={'table': 'event', 'app': 'models', 'indexes': [Index(fields=['node_type', 'node_id']), Index(fields=['dispatched', 'id'])], 'pk_attr': 'id', 'table_description': 'One thing that happened, in the form integrations read it: written in the same'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventStep',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('data_version', fields.BigIntField(default=0, description='the data version handled last')),
                ('epoch', fields.CharField(default='', max_length=64)),
                ('day', fields.CharField(default='', max_length=10)),
            ],
            options={'table': 'event_step', 'app': 'models', 'pk_attr': 'name', 'table_description': 'Bookkeeping of the background steps that read the event log, one row each'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RiskState',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ('kind', fields.CharField(max_length=32)),
                ('severity', fields.CharField(max_length=16)),
                ('node_type', fields.CharField(max_length=32)),
                ('node_id', fields.IntField()),
                ('message', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'risk_state', 'app': 'models', 'pk_attr': 'key', 'table_description': 'The risks as last recorded: what "risk raised" and "risk cleared" compare with.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_index=True, db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2000)),
                ('events', fields.JSONField(default=list, description='event types, empty for every type', encoder=JSON_DUMPS, decoder=loads)),
                ('criteria', fields.JSONField(default=dict, description='teams and node types, as keys', encoder=JSON_DUMPS, decoder=loads)),
                ('signing_secret', fields.CharField(max_length=80)),
                ('previous_signing_secret', fields.CharField(null=True, max_length=80)),
                ('previous_secret_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('enabled', fields.BooleanField(default=True)),
                ('disabled_reason', fields.TextField(default='', unique=False)),
                ('consecutive_failures', fields.IntField(default=0)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An address that receives signed events. The signing secret is kept as is: the'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('node_key', fields.CharField(description="node type and id, the unit of ordering", max_length=48)),
                ('body', fields.TextField(description='the signed JSON, fixed when queued so retries repeat it', unique=False)),
                ('status', fields.CharField(default='PENDING', max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claim', fields.CharField(default='', max_length=32)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['endpoint_id', 'node_key', 'event_id'])], 'pk_attr': 'id', 'table_description': 'One event on its way to one endpoint, with its retry state and claim.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('models.WebhookDelivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempt_rows', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('succeeded', fields.BooleanField()),
                ('status_code', fields.IntField(null=True)),
                ('latency_ms', fields.IntField()),
                ('error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'webhook_attempt', 'app': 'models', 'indexes': [Index(fields=['delivery_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One try at sending a delivery: what came back and how long it took.'},
            bases=['Model'],
        ),
    ]
