"""Bulk writes with their simple-history records, by COPY on PostgreSQL.

Our own piece: Django's bulk_create and bulk_update with simple-history's
bulk_create_with_history/bulk_update_with_history (used on SQLite and other databases) prepare every
value in Python and build one large statement per batch; on PostgreSQL that managed about 550 rows/s
for an organisation, its membership and their two history rows on this shared machine, far from the
10,000 rows/s an import of 100,000 members needs. COPY streams the same rows in PostgreSQL's own
format. Primary keys are drawn from the table's sequence first, so memberships can point at new
organisations; an update goes through a temporary table. The history rows, the same columns
simple-history writes, are then copied from the written rows inside the database.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_history_model_for_model

BATCH_SIZE = 2000  # Rows per statement on databases without COPY.


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class Prepared:
    """New rows made into the tuples COPY sends, in the order it sends them, by prepare()."""

    ids: list[int]
    now: datetime.datetime
    rows: Iterable[tuple]


def create(
    model,
    rows: "Iterable[dict] | Prepared",
    *,
    count: int,
    user=None,
    reason: str = "",
    copy_order: str | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[int]:
    """Insert ``count`` rows (field attnames to values; defaults fill the rest) and a '+' history row each; return ids.

    Rows are dicts rather than model instances: building 100,000 instances cost more than writing them.
    On PostgreSQL ``rows`` is consumed while COPY streams, so a generator's work overlaps the server's.
    With ``copy_order`` (a field's attname) they are gathered first and copied in that field's order
    instead, ids still given in the order of ``rows``: see _sorted_for_indexes. ``meanwhile`` is called
    while the server copies the history rows (on other databases, after the rows are written): the
    rows of the next create() can be prepared then.
    """
    if not count:
        if meanwhile:
            meanwhile()
        return []
    if not uses_copy():
        now = timezone.now()
        defaults = _defaults(model, now)
        objs = [model(**{**defaults, **row}) for row in rows]
        created = bulk_create_with_history(objs, model, BATCH_SIZE, default_user=user, default_change_reason=reason)
        if meanwhile:
            meanwhile()
        return [obj.pk for obj in created]
    if not isinstance(rows, Prepared):
        rows = prepare(model, rows, ids=next_ids(model, count), copy_order=copy_order)
    _copy(model._meta.db_table, [f.column for f in model._meta.concrete_fields], rows.rows)
    _history_from_table(model, rows.ids, "+", rows.now, user, reason, meanwhile=meanwhile)
    return rows.ids


def prepare(model, rows: Iterable[dict], *, ids: list[int], copy_order: str | None = None) -> Prepared:
    """``rows`` for create() on PostgreSQL, with ``ids`` from next_ids(): a list in ``copy_order``, else a generator."""
    fields = model._meta.concrete_fields
    now = timezone.now()
    defaults = _defaults(model, now)
    values = itemgetter(*(f.attname for f in fields))
    tuples = (values({**defaults, **row, "id": pk}) for row, pk in zip(rows, ids, strict=True))
    if copy_order:
        tuples = _sorted_for_indexes(tuples, [f.attname for f in fields].index(copy_order))
    return Prepared(ids, now, tuples)


def _defaults(model, now) -> dict:
    defaults = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.attname != "id":
            defaults[field.attname] = field.get_default()
    return defaults


def update(model, rows: list[dict], *, user=None, reason: str = "") -> None:
    """Set the values in ``rows`` (each with its "id"; None leaves a field as it is); a '~' history row each."""
    if not rows:
        return
    fields = sorted({key for row in rows for key in row} - {"id"})
    if not uses_copy():
        objs = model._default_manager.in_bulk([row["id"] for row in rows])
        for row in rows:
            for key, value in row.items():
                if value is not None:
                    setattr(objs[row["id"]], key, value)
        bulk_update_with_history(
            list(objs.values()), model, fields, batch_size=len(objs), default_user=user, default_change_reason=reason
        )
        return
    now = timezone.now()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE import_update AS SELECT id, {', '.join(columns)} FROM {table} WITH NO DATA")
        names = ["id", *(model._meta.get_field(f).column for f in fields)]
        _copy("import_update", names, ([row.get(f) for f in ["id", *fields]] for row in rows))
        assignments = ", ".join(f"{c} = COALESCE(u.{c}, {table}.{c})" for c in columns)
        cursor.execute(f"UPDATE {table} SET {assignments} FROM import_update u WHERE {table}.id = u.id")
        cursor.execute("DROP TABLE import_update")
    _history_from_table(model, [row["id"] for row in rows], "~", now, user, reason)


def next_ids(model, count: int) -> list[int]:
    """Draw ``count`` primary keys from the table's sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        # Looked up once: in the select list pg_get_serial_sequence() would run again for every row.
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(nextval(%s)) FROM generate_series(1, %s)", [sequence, count])
        return cursor.fetchone()[0]


def _sorted_for_indexes(rows: Iterable[tuple], position: int) -> list[tuple]:
    # PostgreSQL inserts rows into a table's indexes in the order they arrive: in the order of the keys
    # of most of the indexes, it keeps returning to the same few pages instead of touching pages all
    # over each index. COPY of 100,000 organisations in pinyin order took 1.8-2.0 s instead of 2.8-3.4 s.
    return sorted(rows, key=itemgetter(position))


def _copy(table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    connection.ensure_connection()
    # The raw psycopg cursor raises psycopg's errors; the wrapper turns them into Django's, so that a
    # unique violation is the IntegrityError callers catch.
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _history_from_table(model, ids: list[int], history_type: str, now, user, reason: str, meanwhile=None) -> None:
    """Copy the rows ``ids`` into the history table inside the database, as simple-history records them.

    ``meanwhile`` runs here while the server copies them.
    """
    history = get_history_model_for_model(model)
    own = {f.attname: f.column for f in model._meta.concrete_fields}
    values = {
        "history_date": now,
        "history_type": history_type,
        "history_change_reason": reason,
        "history_user_id": getattr(user, "pk", None),
    }
    quote = connection.ops.quote_name
    columns, selects, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.attname == "history_id":
            continue  # The history table's own sequence numbers it.
        columns.append(quote(field.column))
        if field.attname in own:
            selects.append(f"t.{quote(own[field.attname])}")
        else:
            selects.append("%s")
            params.append(values.get(field.attname))
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids) == len(set(ids)):
        # Every id in between, as new rows drawn from the sequence usually are: a range scan of the
        # primary key reads 100,000 rows in half the time of looking their ids up one by one.
        where, id_params = "t.id BETWEEN %s AND %s", [low, high]
    else:
        # As an array literal: psycopg adapting 100,000 ints one by one took a third of a second.
        where, id_params = "t.id = ANY(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {quote(model._meta.db_table)} t "
        f"WHERE {where} ORDER BY t.id"
    )
    if meanwhile is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *id_params])
        return
    connection.ensure_connection()
    raw = connection.connection
    # In pipeline mode execute() sends the statement and returns; leaving the block awaits its end.
    with connection.wrap_database_errors, raw.pipeline(), raw.cursor() as cursor:
        cursor.execute(sql, [*params, *id_params])
        meanwhile()
