"""Key results measured from their aligned campaigns' entries: each key result has a
source (MANUAL check-ins by default) and the metrics its value is computed from."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from server.enums import KeyResultSource, ResultMetric
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_webhooks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='KeyResult',
            name='source',
            field=fields.CharEnumField(default=KeyResultSource.MANUAL, description="MANUAL for check-ins, else a formula over the aligned campaigns entries", db_default='MANUAL', enum_type=KeyResultSource, max_length=16),
        ),
        ops.AddField(
            model_name='KeyResult',
            name='source_base_metric',
            field=fields.CharEnumField(null=True, description='the denominator of CONVERSION_RATE', enum_type=ResultMetric, max_length=16),
        ),
        ops.AddField(
            model_name='KeyResult',
            name='source_metric',
            field=fields.CharEnumField(null=True, description='the metric summed (METRIC), the unit (COST_PER) or the numerator (CONVERSION_RATE)', enum_type=ResultMetric, max_length=16),
        ),
    ]
