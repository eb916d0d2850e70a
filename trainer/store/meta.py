"""Small facts about the database itself, such as which bundled decks it has loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import select

from trainer.store import schema

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


def get(store: StoreContext, key: str) -> str | None:
    with store.session() as session:
        row = session.exec(select(schema.AppMeta).where(schema.AppMeta.key == key)).first()
        return None if row is None else row.value


def put(store: StoreContext, key: str, value: str) -> None:
    with store.transaction() as conn:
        meta_t = schema.meta_t
        done = conn.execute(meta_t.update().where(meta_t.c.key == key).values(value=value))
        if done.rowcount == 0:
            conn.execute(meta_t.insert().values(key=key, value=value))
