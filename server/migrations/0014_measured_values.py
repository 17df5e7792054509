"""The measured key results' values as last reported (`server/events/measured.py`), what
a computed "key result updated" event compares with. Not part of the change record: the
step that writes it must not make a data version of its own."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0013_event_notify')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MeasuredState',
            fields=[
                ('key_result_id', fields.IntField(primary_key=True, generated=False, unique=True, db_index=True)),
                ('value', fields.CharField(null=True, description='null: a ratio without value', max_length=64)),
                ('progress', fields.CharField(max_length=16)),
            ],
            options={'table': 'measured_state', 'app': 'models', 'pk_attr': 'key_result_id', 'table_description': "Each measured key result's value and progress as last reported, shown as the API"},
            bases=['Model'],
        ),
    ]
