"""The governance app's tables as its models now have them, in place of 0002_initial, 0003_term_single_seat_no_overlap, 0004_lean_history_indexes, 0005_term_past_index, 0006_code_point_sort_keys."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from governance.migrations._no_overlap import CREATE, DROP, on_postgresql


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('governance', '0002_initial'),
        ('governance', '0003_term_single_seat_no_overlap'),
        ('governance', '0004_lean_history_indexes'),
        ('governance', '0005_term_past_index'),
        ('governance', '0006_code_point_sort_keys'),
    ]

    dependencies = [
        ('governance', '0001_squashed_0001_initial'),
        ('members', '0001_squashed_0001_initial'),
        ('registry', '0001_squashed_0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='body',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalbody',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalbody',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='body',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='Empty for an office of the alliance as a whole, such as honorary chairman.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='governance.body', verbose_name='body'),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='affiliation',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='The organisation the title belongs to.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='affiliation'),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text="For a position an organisation holds, such as the secretariat's host.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='person',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='person',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='governance.person', verbose_name='person'),
        ),
        migrations.AddField(
            model_name='position',
            name='body',
            field=models.ForeignKey(blank=True, help_text='Empty for an office of the alliance as a whole, such as honorary chairman.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='positions', to='governance.body', verbose_name='body'),
        ),
        migrations.AddField(
            model_name='position',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalterm',
            name='position',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='governance.position', verbose_name='position'),
        ),
        migrations.AddField(
            model_name='term',
            name='affiliation',
            field=models.ForeignKey(blank=True, help_text='The organisation the title belongs to.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='affiliated_terms', to='members.organisation', verbose_name='affiliation'),
        ),
        migrations.AddField(
            model_name='term',
            name='organisation',
            field=models.ForeignKey(blank=True, help_text="For a position an organisation holds, such as the secretariat's host.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='terms', to='members.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='term',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='terms', to='governance.person', verbose_name='person'),
        ),
        migrations.AddField(
            model_name='term',
            name='position',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='terms', to='governance.position', verbose_name='position'),
        ),
        migrations.AddField(
            model_name='term',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.UniqueConstraint(fields=('body', 'name'), name='governance_position_unique_in_body'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.UniqueConstraint(condition=models.Q(('body__isnull', True)), fields=('name',), name='governance_position_unique_in_alliance'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('seats__gte', 1)), name='governance_position_has_a_seat'),
        ),
        migrations.AddIndex(
            model_name='term',
            index=models.Index(fields=['-ended_on', '-started_on', '-id'], name='governance_term_past'),
        ),
        migrations.AddConstraint(
            model_name='term',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='governance_term_ends_after_start', violation_error_message='A term cannot end before it starts.'),
        ),
        migrations.AddConstraint(
            model_name='term',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('organisation__isnull', True), ('person__isnull', False)), models.Q(('organisation__isnull', False), ('person__isnull', True)), _connector='OR'), name='governance_term_has_one_holder', violation_error_message='A term is held by a person or by an organisation, not both nor neither.'),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
