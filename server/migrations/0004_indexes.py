from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_calendar')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Campaign',
            index=Index(fields=['end_date', 'start_date']),
        ),
        ops.AddIndex(
            model_name='Campaign',
            index=Index(fields=['start_date', 'id']),
        ),
        ops.AddIndex(
            model_name='Campaign',
            index=Index(fields=['status']),
        ),
        ops.AddIndex(
            model_name='Goal',
            index=Index(fields=['period_end', 'period_start']),
        ),
        ops.AddIndex(
            model_name='Goal',
            index=Index(fields=['period_start']),
        ),
        ops.AddIndex(
            model_name='Goal',
            index=Index(fields=['category']),
        ),
        ops.AddIndex(
            model_name='KeyResult',
            index=Index(fields=['due_date']),
        ),
        ops.AddIndex(
            model_name='KeyResult',
            index=Index(fields=['unit']),
        ),
        ops.AddIndex(
            model_name='Milestone',
            index=Index(fields=['end_date', 'start_date']),
        ),
        ops.AddIndex(
            model_name='Milestone',
            index=Index(fields=['start_date', 'id']),
        ),
        ops.AddIndex(
            model_name='Milestone',
            index=Index(fields=['kind']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['status']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['name', 'id']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['role']),
        ),
    ]
