"""Bulk writes with their simple-history records, by COPY on PostgreSQL.

Our own piece: Django's bulk_create and bulk_update with simple-history's
bulk_create_with_history/bulk_update_with_history (used on SQLite and other databases) prepare every
value in Python and build one large statement per batch; on PostgreSQL that managed about 550 rows/s
for an organisation, its membership and their two history rows on this shared machine, far from the
10,000 rows/s an import of 100,000 members needs. COPY streams the same rows in PostgreSQL's own
format. Primary keys are drawn from the table's sequence first, so memberships can point at new
organisations and history rows can carry the ids, exactly as simple-history would write them.
"""

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_history_model_for_model


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def create(model, rows: list[dict], *, user=None, reason: str = "") -> list[int]:
    """Insert ``rows`` (field attnames to values; defaults fill the rest) and a '+' history row each; return ids.

    Rows are dicts rather than model instances: building 100,000 instances cost more than writing them.
    """
    if not rows:
        return []
    fields = model._meta.concrete_fields
    now = timezone.now()
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.attname != "id":
            defaults[field.attname] = field.get_default()
    rows = [{**defaults, **row} for row in rows]
    if not uses_copy():
        objs = [model(**row) for row in rows]
        created = bulk_create_with_history(objs, model, len(objs), default_user=user, default_change_reason=reason)
        return [obj.pk for obj in created]
    ids = _next_ids(model, len(rows))
    for row, pk in zip(rows, ids, strict=True):
        row["id"] = pk
    attnames = [f.attname for f in fields]
    _copy(model._meta.db_table, [f.column for f in fields], ([row[a] for a in attnames] for row in rows))
    _copy_history(model, rows, dict.__getitem__, "+", now, user, reason)
    return ids


def update(objs: list, model, fields: list[str], *, user=None, reason: str = "") -> None:
    """Write ``fields`` of ``objs`` and one '~' history row each."""
    if not objs:
        return
    if not uses_copy():
        bulk_update_with_history(
            objs, model, fields, batch_size=len(objs), default_user=user, default_change_reason=reason
        )
        return
    now = timezone.now()
    table = model._meta.db_table
    columns = [model._meta.get_field(f) for f in fields]
    names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE import_update AS SELECT id, {names} FROM {table} WITH NO DATA")
        _copy(
            "import_update",
            ["id", *(c.column for c in columns)],
            ([o.pk, *(getattr(o, c.attname) for c in columns)] for o in objs),
        )
        assignments = ", ".join(
            f"{connection.ops.quote_name(c.column)} = u.{connection.ops.quote_name(c.column)}" for c in columns
        )
        cursor.execute(f"UPDATE {table} SET {assignments} FROM import_update u WHERE {table}.id = u.id")
        cursor.execute("DROP TABLE import_update")
    _copy_history(model, objs, getattr, "~", now, user, reason)


def _next_ids(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_history(model, objs, get, history_type: str, now, user, reason: str) -> None:
    history = get_history_model_for_model(model)
    own = {f.attname for f in model._meta.concrete_fields}
    columns, getters = [], []
    for field in history._meta.concrete_fields:
        if field.attname == "history_id":
            continue  # The history table's own sequence numbers it.
        columns.append(field.column)
        if field.attname in own:
            getters.append(lambda o, name=field.attname: get(o, name))
        else:
            value = {
                "history_date": now,
                "history_type": history_type,
                "history_change_reason": reason,
                "history_user_id": getattr(user, "pk", None),
            }.get(field.attname)
            getters.append(lambda o, value=value: value)
    _copy(history._meta.db_table, columns, ([getter(o) for getter in getters] for o in objs))
