"""Notes and dots from the phones, and rounds of voting. Additive: every
existing vote becomes round 1 (the default), every area's open round is 1;
the new unique constraint is added before the old one goes, so a vote is
never unguarded."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('maturity', '0003_scale_for_existing_models'),
        ('workshops', '0004_pin_scale_in_rubrics'),
    ]

    operations = [
        migrations.CreateModel(
            name='Dot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Note',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('helps', 'What helps us'), ('holds_back', 'What holds us back')], max_length=12)),
                ('text', models.CharField(max_length=280)),
                ('hidden', models.BooleanField(default=False)),
                ('added_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='areascore',
            name='notes_shown_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='areascore',
            name='vote_round',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='vote',
            name='round',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='workshop',
            name='dots_revealed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='vote',
            constraint=models.UniqueConstraint(fields=('participant', 'area', 'round'), name='one_vote_per_area_round'),
        ),
        migrations.RemoveConstraint(
            model_name='vote',
            name='one_vote_per_area',
        ),
        migrations.AddField(
            model_name='dot',
            name='area',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='maturity.area'),
        ),
        migrations.AddField(
            model_name='dot',
            name='participant',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dots', to='workshops.participant'),
        ),
        migrations.AddField(
            model_name='dot',
            name='workshop',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dots', to='workshops.workshop'),
        ),
        migrations.AddField(
            model_name='note',
            name='area',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='maturity.area'),
        ),
        migrations.AddField(
            model_name='note',
            name='participant',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notes', to='workshops.participant'),
        ),
        migrations.AddField(
            model_name='note',
            name='workshop',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='workshops.workshop'),
        ),
        migrations.AddIndex(
            model_name='dot',
            index=models.Index(fields=['workshop', 'area'], name='workshops_d_worksho_a273a2_idx'),
        ),
        migrations.AddIndex(
            model_name='note',
            index=models.Index(fields=['workshop', 'area'], name='workshops_n_worksho_d60e9b_idx'),
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['helps', 'holds_back'])), name='note_kind_known'),
        ),
    ]
