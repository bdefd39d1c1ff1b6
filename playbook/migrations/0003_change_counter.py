"""PostgreSQL only: count every change to what the playbook's list shows
(its entries, and the names of their teams, areas and models), so the list
and its searches can be kept in the cache under the count (core/kept.py,
playbook.views.LIST_TABLES). Statement triggers, so an insert, update,
delete or truncate made any way (a form, the admin, a bulk update, SQL)
moves the counter in the same transaction. On SQLite nothing is kept and
nothing runs.
"""

from django.db import migrations

TABLES = ["playbook_entry", "teams_team", "maturity_area", "maturity_maturitymodel"]

CREATE = [
    # A sequence, not number + 1: a number taken by a transaction that rolls
    # back is never handed out again, so it can never name other content.
    "CREATE SEQUENCE kept_counter_numbers",
    "CREATE TABLE kept_counter (name text PRIMARY KEY, number bigint NOT NULL)",
    "INSERT INTO kept_counter (name, number) VALUES ('playbook', nextval('kept_counter_numbers'))",
    """
CREATE FUNCTION kept_counter_bump() RETURNS trigger AS $$
BEGIN
  UPDATE kept_counter SET number = nextval('kept_counter_numbers') WHERE name = TG_ARGV[0];
  RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
] + [
    f"""
CREATE TRIGGER {table}_kept_playbook
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION kept_counter_bump('playbook')
"""
    for table in TABLES
]

DROP = [f"DROP TRIGGER IF EXISTS {table}_kept_playbook ON {table}" for table in TABLES] + [
    "DROP FUNCTION IF EXISTS kept_counter_bump()",
    "DROP TABLE IF EXISTS kept_counter",
    "DROP SEQUENCE IF EXISTS kept_counter_numbers",
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
        ("playbook", "0002_search_vector_trigger"),
        ("teams", "0001_initial"),
        ("maturity", "0003_scale_for_existing_models"),
    ]

    operations = [migrations.RunPython(create, drop)]
