"""PostgreSQL only: keep Entry.search_vector up to date with a trigger and
index it with GIN. On SQLite the column stays empty and nothing runs, so the
same migrations work on both databases.

Weights: title A; problem and hypothesis B; what we did and learning C;
advice D ('english' configuration), matching playbook.models.SEARCH_WEIGHTS.
"""

from django.db import migrations

CREATE = [
    """
CREATE FUNCTION playbook_entry_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.problem, '') || ' ' || coalesce(NEW.hypothesis, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.what_we_did, '') || ' ' || coalesce(NEW.learning, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(NEW.advice, '')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER playbook_entry_search_vector_update
  BEFORE INSERT OR UPDATE OF title, problem, hypothesis, what_we_did, learning, advice
  ON playbook_entry FOR EACH ROW EXECUTE FUNCTION playbook_entry_search_vector()
""",
    """
CREATE INDEX playbook_entry_search_vector_gin ON playbook_entry USING gin (search_vector)
""",
    # Fill the column for rows written before the trigger existed.
    "UPDATE playbook_entry SET title = title",
]

DROP = [
    "DROP INDEX IF EXISTS playbook_entry_search_vector_gin",
    "DROP TRIGGER IF EXISTS playbook_entry_search_vector_update ON playbook_entry",
    "DROP FUNCTION IF EXISTS playbook_entry_search_vector()",
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
    dependencies = [("playbook", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
