"""Set-based inserts through the driver's own executemany.

SQLAlchemy's executemany builds a parameter dict per row (a few microseconds each); an import of
100,000 cards and their tags is several hundred thousand rows, so the importer hands plain
tuples straight to the DB-API cursor, in the driver's own parameter style. Only plain values
(str, int, None) go through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Table

MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":{}", "named": ":p{}"}


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence[object]]) -> None:
    style = conn.dialect.paramstyle
    marker = MARKERS.get(style)
    if marker is None:
        raise ValueError(f"unsupported DB-API parameter style {style!r}")
    if style in ("numeric", "named"):
        markers = ", ".join(marker.format(i + 1) for i in range(len(columns)))
    else:
        markers = ", ".join([marker] * len(columns))
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.quote(c) for c in columns)
    sql = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({markers})"
    rows = list(rows)
    if not rows:
        return
    if style == "named":
        rows = [{f"p{i + 1}": v for i, v in enumerate(r)} for r in rows]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()
