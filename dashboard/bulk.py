"""Writing many rows at once: COPY on PostgreSQL, batched bulk_create elsewhere."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models

BATCH = 5000


def insert_rows(
    model: type[models.Model],
    fields: tuple[str, ...],
    rows: Iterable[tuple],
    *,
    analyze: bool = True,
) -> int:
    """Insert plain tuples (values in `fields` order, JSON fields as Python values).

    On PostgreSQL the rows stream through one COPY and (unless `analyze` is false: a
    caller writing a few rows, or analysing once after many calls) the table is analysed,
    so that the planner knows them before autovacuum does; no model instance is built.
    Returns how many rows were written.
    """
    written = 0
    if connection.vendor == "postgresql":
        columns = [model._meta.get_field(name) for name in fields]
        as_json = [isinstance(c, models.JSONField) for c in columns]
        table = model._meta.db_table
        names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(
                    [json.dumps(v) if j else v for v, j in zip(row, as_json, strict=True)]
                )
                written += 1
        if analyze:
            analyze_table(model)
        return written
    batch: list = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return written + len(batch)


def analyze_table(model: type[models.Model]) -> None:
    """Refresh the planner's statistics of a table just written (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def vacuum(*tables: type[models.Model]) -> None:
    """Reclaim the rows a rebuild deleted, at once rather than whenever autovacuum runs.

    The aggregates are deleted and rewritten on every refresh: left to autovacuum on a
    busy server, a table and its indexes grow with dead rows and every page read slows
    down. VACUUM cannot run inside a transaction, so inside one (tests) this does nothing.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
