from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_auth_history')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_index=True, db_constraint=True, to_field='id', related_name='calendar_feeds', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('secret_hash', fields.CharField(unique=True, max_length=64)),
                ('criteria', fields.JSONField(default=dict, description='the calendar filter, as plain values', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'calendar_feed', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A named iCalendar feed over a calendar filter, read by anyone holding its secret URL.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ExternalCalendar',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('name', fields.CharField(max_length=120)),
                ('url', fields.CharField(null=True, description='null for an uploaded file', max_length=2000)),
                ('blocking', fields.BooleanField(default=False, description='its events clash with launches')),
                ('color', fields.CharField(default='#6b7280', max_length=7)),
                ('refresh_minutes', fields.IntField(default=360)),
                ('refreshed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_refresh_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('content_hash', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'external_calendar', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An imported calendar (public holidays, industry events), from a URL or an upload.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ExternalEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('calendar', fields.ForeignKeyField('models.ExternalCalendar', source_field='calendar_id', db_index=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('uid', fields.CharField(max_length=255)),
                ('sequence', fields.IntField(default=0)),
                ('summary', fields.CharField(default='', max_length=500)),
                ('description', fields.TextField(default='', unique=False)),
                ('location', fields.CharField(default='', max_length=500)),
                ('all_day', fields.BooleanField(default=True)),
                ('first_date', fields.DateField()),
                ('last_date', fields.DateField(null=True)),
                ('source', fields.TextField(description="the event's own iCalendar text, for expansion", unique=False)),
            ],
            options={'table': 'external_event', 'app': 'models', 'indexes': [Index(fields=['first_date', 'last_date'])], 'pk_attr': 'id', 'table_description': 'One VEVENT of an imported calendar (a recurring one keeps its rule and expands on read).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Milestone',
            name='ends_at',
            field=fields.DatetimeField(null=True, description='UTC end of a timed milestone', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Milestone',
            name='starts_at',
            field=fields.DatetimeField(null=True, description='UTC start of a timed milestone (a webinar at 16:00), null when all-day', auto_now=False, auto_now_add=False),
        ),
    ]
