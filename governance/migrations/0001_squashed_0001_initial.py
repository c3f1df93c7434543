"""The governance app's tables as its models now have them, in place of 0001_initial."""


import registry.models
import simple_history.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('governance', '0001_initial'),
    ]

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Body',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=100, verbose_name='English name')),
                ('slug', models.SlugField(unique=True, verbose_name='slug')),
                ('kind', models.CharField(choices=[('guidance', 'guidance committee'), ('advisory', 'advisory committee'), ('expert', 'expert committee'), ('council', 'council'), ('secretariat', 'secretariat'), ('other', 'other')], default='other', max_length=16, verbose_name='kind')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'body',
                'verbose_name_plural': 'bodies',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalBody',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                ('name', models.CharField(db_index=True, max_length=100, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=100, verbose_name='English name')),
                ('slug', models.SlugField(db_index=False, verbose_name='slug')),
                ('kind', models.CharField(choices=[('guidance', 'guidance committee'), ('advisory', 'advisory committee'), ('expert', 'expert committee'), ('council', 'council'), ('secretariat', 'secretariat'), ('other', 'other')], default='other', max_length=16, verbose_name='kind')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical body',
                'verbose_name_plural': 'historical bodies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPerson',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                ('name', registry.models.CodePointCharField(help_text='As entered, in either script.', max_length=200, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='English name')),
                ('name_hans', models.CharField(editable=False, max_length=200, verbose_name='name (Simplified)')),
                ('name_hant', models.CharField(editable=False, max_length=200, verbose_name='name (Traditional)')),
                ('pinyin', registry.models.CodePointCharField(editable=False, max_length=400, verbose_name='pinyin')),
                ('initials', models.CharField(editable=False, max_length=200, verbose_name='pinyin initials')),
                ('pinyin_override', models.CharField(blank=True, help_text='Only where the derived pinyin is wrong, syllables separated by spaces: zeng guo fan.', max_length=400, verbose_name='pinyin override')),
                ('name_key', registry.models.CodePointCharField(editable=False, max_length=200, verbose_name='match key')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical person',
                'verbose_name_plural': 'historical people',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPosition',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=100, verbose_name='English name')),
                ('rank', models.PositiveSmallIntegerField(default=10, help_text='Lower ranks are listed first.', verbose_name='rank')),
                ('seats', models.PositiveSmallIntegerField(default=1, verbose_name='seats')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical position',
                'verbose_name_plural': 'historical positions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTerm',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                ('title', models.CharField(blank=True, help_text="The holder's title at the time, e.g. 工信部副部長.", max_length=200, verbose_name='held as')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='held as (English)')),
                ('started_on', models.DateField(verbose_name='started on')),
                ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                ('exclusive', models.BooleanField(default=True, editable=False, help_text='Copied from the position: a single seat admits no overlap.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical term',
                'verbose_name_plural': 'historical terms',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', registry.models.CodePointCharField(help_text='As entered, in either script.', max_length=200, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='English name')),
                ('name_hans', models.CharField(editable=False, max_length=200, verbose_name='name (Simplified)')),
                ('name_hant', models.CharField(editable=False, max_length=200, verbose_name='name (Traditional)')),
                ('pinyin', registry.models.CodePointCharField(editable=False, max_length=400, verbose_name='pinyin')),
                ('initials', models.CharField(editable=False, max_length=200, verbose_name='pinyin initials')),
                ('pinyin_override', models.CharField(blank=True, help_text='Only where the derived pinyin is wrong, syllables separated by spaces: zeng guo fan.', max_length=400, verbose_name='pinyin override')),
                ('name_key', registry.models.CodePointCharField(editable=False, max_length=200, verbose_name='match key')),
                ('description', models.TextField(blank=True, verbose_name='description')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'people',
                'ordering': ['pinyin', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Position',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=100, verbose_name='English name')),
                ('rank', models.PositiveSmallIntegerField(default=10, help_text='Lower ranks are listed first.', verbose_name='rank')),
                ('seats', models.PositiveSmallIntegerField(default=1, verbose_name='seats')),
            ],
            options={
                'verbose_name': 'position',
                'verbose_name_plural': 'positions',
                'ordering': ['body__order', 'rank', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Term',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_quote', models.CharField(blank=True, help_text="The source's own words for this record.", max_length=500, verbose_name='source quote')),
                ('source_inferred', models.CharField(blank=True, help_text='What this record adds from outside the source, such as a year or an English name.', max_length=300, verbose_name='inferred')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('title', models.CharField(blank=True, help_text="The holder's title at the time, e.g. 工信部副部長.", max_length=200, verbose_name='held as')),
                ('title_en', models.CharField(blank=True, max_length=200, verbose_name='held as (English)')),
                ('started_on', models.DateField(verbose_name='started on')),
                ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                ('exclusive', models.BooleanField(default=True, editable=False, help_text='Copied from the position: a single seat admits no overlap.')),
            ],
            options={
                'verbose_name': 'term',
                'verbose_name_plural': 'terms',
                'ordering': ['position__body__order', 'position__rank', '-started_on'],
            },
        ),
    ]
