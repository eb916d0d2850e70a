"""The database driver's fast paths: the only code in trainer that touches the DB-API cursor.

Each is here for a measured reason, given beside it. Set-based inserts: SQLAlchemy's
executemany builds a parameter dict per row (a few microseconds each); an import of 100,000
cards and their tags is several hundred thousand rows, so the importer hands plain tuples
straight to the DB-API cursor, in the driver's own parameter style. Only plain values
(str, int, None) go through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import ClauseElement, Connection, Select, Table
from sqlalchemy.sql.compiler import SQLCompiler

from trainer.store.columns import Coded

AnySelect = Select[*tuple[Any, ...]]  # a select of any columns
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
    batch: list[Any] = list(rows)
    if not batch:
        return
    if style == "named":
        batch = [{f"p{i + 1}": v for i, v in enumerate(r)} for r in batch]
    cursor = _cursor(conn)
    try:
        cursor.executemany(sql, batch)
    finally:
        cursor.close()


def _cursor(conn: Connection) -> Any:
    """A DB-API cursor on the connection's own driver connection."""
    driver_connection = conn.connection.driver_connection
    assert driver_connection is not None, "the connection is closed"
    return driver_connection.cursor()


def fetch_column(conn: Connection, stmt: AnySelect) -> list[Any]:
    """The first column of every row of ``stmt``."""
    return [row[0] for row in fetch_rows(conn, stmt)]


def fetch_rows(conn: Connection, stmt: AnySelect) -> list[tuple[Any, ...]]:
    """Every row of ``stmt`` as plain tuples, fetched by the DB-API cursor directly.

    SQLAlchemy's result rows cost about a microsecond each; today's queue at 100,000 cards is
    40,000 ids, and an import maps 100,000 keys to ids, so these queries skip them. Values
    are bound as the store keeps them (bound_value); only columns the driver returns as they
    are (ints, text) should be read this way."""
    # an IN list's values are written out as parameters of their own
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    coded = coded_binds(compiled)
    sqlite = conn.dialect.name == "sqlite"
    params = {k: bound_value(v, coded.get(k), conn.dialect, sqlite)
              for k, v in compiled.params.items()}
    args: object = (
        tuple(params[name] for name in compiled.positiontup or ())
        if compiled.positional else params
    )
    cursor = _cursor(conn)
    try:
        cursor.execute(str(compiled), args)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


class DriverStatement:
    """A statement compiled once for a dialect and run on the DB-API cursor with plain values.

    Grading a card is four statements; through SQLAlchemy's execution machinery they cost
    about half a millisecond on top of the commit. Values are converted as the store keeps
    them: on SQLite, dates as ISO text and aware datetimes as naive UTC text (the format
    SQLAlchemy writes); other drivers take Python values as they are."""

    def __init__(self, conn: Connection, stmt: ClauseElement) -> None:
        compiled = cast(SQLCompiler, stmt.compile(dialect=conn.dialect))
        self.sql = str(compiled)
        self.names = list(compiled.positiontup or ()) if compiled.positional else None
        self.sqlite = conn.dialect.name == "sqlite"
        self.dialect = conn.dialect
        self.defaults = dict(compiled.params)  # literal values the statement binds itself
        self.coded = coded_binds(compiled)

    def _named(self, name: str, value: object) -> object:
        return bound_value(value, self.coded.get(name), self.dialect, self.sqlite)

    def execute(self, conn: Connection, params: dict[str, object]) -> Any:
        """Run with ``params``; returns the open DB-API cursor (the caller closes it)."""
        value, defaults = self._named, self.defaults
        args: object = (
            tuple(value(n, params[n] if n in params else defaults[n]) for n in self.names)
            if self.names is not None
            else {k: value(k, v) for k, v in (defaults | params).items()})
        cursor = _cursor(conn)
        cursor.execute(self.sql, args)
        return cursor

    def executemany(self, conn: Connection, many: list[dict[str, object]]) -> None:
        """Run once for each of ``many`` in one DB-API executemany."""
        value, defaults = self._named, self.defaults
        if self.names is not None:
            names = self.names
            args: list[Any] = [tuple(value(n, p[n] if n in p else defaults[n]) for n in names)
                               for p in many]
        else:
            args = [{k: value(k, v) for k, v in (defaults | p).items()} for p in many]
        cursor = _cursor(conn)
        try:
            cursor.executemany(self.sql, args)
        finally:
            cursor.close()

    def one(self, conn: Connection, params: dict[str, object]) -> tuple[Any, ...] | None:
        """The first row, or None."""
        cursor = self.execute(conn, params)
        try:
            row: tuple[Any, ...] | None = cursor.fetchone()
            return row
        finally:
            cursor.close()

    def all(self, conn: Connection, params: dict[str, object]) -> list[tuple[Any, ...]]:
        cursor = self.execute(conn, params)
        try:
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        finally:
            cursor.close()


SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def coded_binds(compiled: SQLCompiler) -> dict[str, Coded]:
    """The statement's parameters bound to columns kept as integers (store.columns)."""
    return {name: bind.type for name, bind in compiled.binds.items()
            if isinstance(bind.type, Coded)}


def bound_value(value: object, coded: Coded | None, dialect: Any, sqlite: bool) -> object:
    """A parameter as the driver's cursor takes it: through its column's code when it has
    one (coded_binds), else as stored_value."""
    if coded is not None:
        return coded.process_bind_param(value, dialect)
    return stored_value(value, sqlite)


def stored_value(value: object, sqlite: bool) -> object:
    """A plain value as the store keeps it for the driver's cursor: on SQLite a date as ISO
    text and an aware time as naive UTC text (the forms SQLAlchemy writes); other drivers
    take Python values as they are. (The review log's columns are integers: store.columns.)"""
    if sqlite and isinstance(value, date):  # a datetime is a date too
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime(SQLITE_DATETIME)
        return value.isoformat()
    return value


def sqlite_date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def sqlite_datetime(value: object) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value  # type: ignore[return-value]


IN_CHUNK = 500  # ids a statement binds at once: far below every driver's parameter limit


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    """``ids`` in lists of IN_CHUNK, for `IN (...)` statements."""
    for start in range(0, len(ids), IN_CHUNK):
        yield list(ids[start:start + IN_CHUNK])
