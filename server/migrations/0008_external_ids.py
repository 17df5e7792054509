"""External keys: spend, results, check-ins and tasks sent by another system carry its
`source` and `external_id`, unique per table, so sending them again updates them."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0007_api_tokens')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CheckIn',
            name='external_id',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='CheckIn',
            name='source',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddConstraint(
            model_name='CheckIn',
            constraint=UniqueConstraint(fields=('source', 'external_id'), name=None),
        ),
        ops.AddField(
            model_name='ResultEntry',
            name='external_id',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='ResultEntry',
            name='source',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddConstraint(
            model_name='ResultEntry',
            constraint=UniqueConstraint(fields=('source', 'external_id'), name=None),
        ),
        ops.AddField(
            model_name='SpendEntry',
            name='external_id',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='SpendEntry',
            name='source',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddConstraint(
            model_name='SpendEntry',
            constraint=UniqueConstraint(fields=('source', 'external_id'), name=None),
        ),
        ops.AddField(
            model_name='Task',
            name='external_id',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Task',
            name='source',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddConstraint(
            model_name='Task',
            constraint=UniqueConstraint(fields=('source', 'external_id'), name=None),
        ),
    ]
