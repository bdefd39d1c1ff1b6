"""PostgreSQL only: count every change to the models and their rubrics
(models, scales, areas, levels, prompts), so the model pages can be kept in
the cache under the count (core/kept.py, maturity.views.RUBRIC_TABLES).
The counters, their sequence and the function that moves them are the
playbook's (its migration 0003); these are statement triggers on this app's
tables calling it with the name "rubric". On SQLite nothing is kept and
nothing runs.
"""

from django.db import migrations

TABLES = [
    "maturity_maturitymodel",
    "maturity_scalelevel",
    "maturity_area",
    "maturity_level",
    "maturity_prompt",
]

CREATE = [
    "INSERT INTO kept_counter (name, number) VALUES ('rubric', nextval('kept_counter_numbers'))",
] + [
    f"""
CREATE TRIGGER {table}_kept_rubric
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION kept_counter_bump('rubric')
"""
    for table in TABLES
]

DROP = [f"DROP TRIGGER IF EXISTS {table}_kept_rubric ON {table}" for table in TABLES] + [
    "DELETE FROM kept_counter WHERE name = 'rubric'",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("maturity", "0003_scale_for_existing_models"),
        ("playbook", "0003_change_counter"),
    ]

    operations = [migrations.RunPython(create, drop)]
