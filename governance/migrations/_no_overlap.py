"""On PostgreSQL, the database itself refuses overlapping terms on a single-seat position.

SQLite has no exclusion constraints; there Term.clean() is the only guard. The constraint is
not declared in Term.Meta because Django would then emit it on SQLite too.
"""

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE governance_term ADD CONSTRAINT governance_term_single_seat_no_overlap
    EXCLUDE USING gist (position_id WITH =, daterange(started_on, ended_on, '[)') WITH &&)
    WHERE (exclusive);
"""
DROP = "ALTER TABLE governance_term DROP CONSTRAINT IF EXISTS governance_term_single_seat_no_overlap;"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
