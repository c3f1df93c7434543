"""The members app's tables as its models now have them, in place of 0002_initial, 0003_organisation_import_export_permissions, 0004_lean_history_indexes, 0005_organisation_pinyin_id_order, 0006_organisation_membership_status, 0007_code_point_sort_keys, 0008_industry_member_count, 0009_organisation_slug_unique_constraint."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('members', '0002_initial'),
        ('members', '0003_organisation_import_export_permissions'),
        ('members', '0004_lean_history_indexes'),
        ('members', '0005_organisation_pinyin_id_order'),
        ('members', '0006_organisation_membership_status'),
        ('members', '0007_code_point_sort_keys'),
        ('members', '0008_industry_member_count'),
        ('members', '0009_organisation_slug_unique_constraint'),
    ]

    dependencies = [
        ('members', '0001_squashed_0001_initial'),
        ('registry', '0001_squashed_0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalindustry',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalmembership',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalmembership',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalorganisation',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalorganisation',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalsector',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalsector',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='industry',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalorganisation',
            name='industry',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.industry', verbose_name='industry'),
        ),
        migrations.AddField(
            model_name='membership',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='industry',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='members.industry', verbose_name='industry'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='membership',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='members.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='historicalmembership',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='sector',
            name='source',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='industry',
            name='sector',
            field=models.ForeignKey(blank=True, help_text='Left empty where the industry spans several sectors.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='industries', to='members.sector', verbose_name='sector'),
        ),
        migrations.AddField(
            model_name='historicalindustry',
            name='sector',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='Left empty where the industry spans several sectors.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.sector', verbose_name='sector'),
        ),
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(fields=['pinyin', 'name', 'id'], name='members_organisation_pinyin'),
        ),
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(fields=['membership_status', 'pinyin', 'name', 'id'], name='members_organisation_status'),
        ),
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(fields=['membership_status', 'industry'], name='members_organisation_counts'),
        ),
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(fields=['industry', 'membership_status', 'pinyin', 'name', 'id'], name='members_organisation_listing'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('credit_code__isnull', False)), fields=('credit_code',), name='members_organisation_credit_code_unique', violation_error_message='Another organisation already has this unified social credit code.'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(fields=('name_key',), name='members_organisation_name_unique'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(fields=('slug',), name='members_organisation_slug_unique'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='members_organisation_name_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.CheckConstraint(condition=models.Q(('membership_status__in', ['', 'applied', 'active', 'suspended', 'withdrawn'])), name='members_organisation_membership_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'withdrawn'), _negated=True), fields=('organisation',), name='members_membership_one_open_per_organisation', violation_error_message='This organisation already has a membership that has not ended.'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('until__isnull', True), ('since__isnull', True), ('until__gte', models.F('since')), _connector='OR'), name='members_membership_ends_after_start', violation_error_message='A membership cannot end before it starts.'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['applied', 'active', 'suspended', 'withdrawn'])), name='members_membership_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='sector',
            constraint=models.UniqueConstraint(fields=('name_key',), name='members_sector_name_unique'),
        ),
        migrations.AddConstraint(
            model_name='industry',
            constraint=models.UniqueConstraint(fields=('name_key',), name='members_industry_name_unique'),
        ),
    ]
