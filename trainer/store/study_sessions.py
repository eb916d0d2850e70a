"""Session names and the numbers the log keeps for them.

A study window names its session with a 32-character id; kept in every log row it was a
third of the row. The log keeps a number; the name is written once, in study_session.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from trainer.store.schema import session_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

CACHE = "session numbers"  # in store.cache; dropped when a transaction rolls back


def session_number(store: StoreContext, conn: Connection, name: str) -> int:
    """The number of session ``name``, written into study_session the first time (inside
    the caller's transaction: if it rolls back, so does the name, and the store forgets the
    number it cached)."""
    numbers: dict[str, int] = store.cache.setdefault(CACHE, {})  # type: ignore[assignment]
    number = numbers.get(name)
    if number is None:
        number = find_number(conn, name)
        if number is None:
            from sqlalchemy.dialects import postgresql, sqlite

            # two windows may name a new session at once (PostgreSQL): the second waits
            # for the first and finds its row
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            conn.execute(insert(session_t).values(name=name).on_conflict_do_nothing(
                index_elements=["name"]))
            number = find_number(conn, name)
            assert number is not None
        numbers[name] = number
    return number


def find_number(conn: Connection, name: str) -> int | None:
    found = conn.execute(select(session_t.c.id).where(session_t.c.name == name)).scalar()
    return None if found is None else int(found)


def session_names(conn: Connection, numbers: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    from trainer.store.driver import chunks

    out: dict[int, str] = {}
    for chunk in chunks(wanted):
        out.update((int(i), n) for i, n in conn.execute(
            select(session_t.c.id, session_t.c.name).where(session_t.c.id.in_(chunk))))
    return out
