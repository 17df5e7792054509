from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SignInFailures',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(description='account or address', max_length=8)),
                ('subject', fields.CharField(description='email, lower-cased, or address', max_length=254)),
                ('failures', fields.IntField(default=0)),
                ('last_failed_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('blocked_until', fields.DatetimeField(null=True, description='no attempt is checked before', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sign_in_failures', 'app': 'models', 'unique_together': (('scope', 'subject'),), 'pk_attr': 'id', 'table_description': 'Failed sign-ins of one account (by email, known or not) or one client address.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='token_epoch',
            field=fields.IntField(default=0, description='access tokens signed with another epoch no longer sign in', db_default=0),
        ),
    ]
