"""Cards: one card, a deck's cards, a card's history, and the whole log for export.

Reads a person waits on once go through an ORM session and ``select``. One card is read for
every card a study session or a quiz shows, so it is a Core select on a pooled connection:
0.12 ms against 0.37 ms through the session, measured at 10,000 cards on this machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam
from sqlalchemy import select as core_select
from sqlmodel import col, select

from trainer.rules import grade
from trainer.store import convert, schema
from trainer.store.columns import from_epoch_ms
from trainer.store.driver import DriverStatement
from trainer.store.errors import NotFound
from trainer.store.log import STATE_COLUMNS, state_of
from trainer.store.records import LOGGED_FIELDS, Card, CardState, ReviewRow
from trainer.store.study_sessions import session_names

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


def card(store: StoreContext, card_id: int) -> Card:
    with store.reading() as conn:
        row = conn.execute(core_select(schema.card_t).where(schema.card_t.c.id == card_id)
                           ).mappings().first()
    if row is None:
        raise NotFound(f"no card with id {card_id}")
    return convert.card(row)


def _showing_statement(store: StoreContext, name: str,
                       where: ColumnElement[bool]) -> DriverStatement:
    """A card with its state, compiled once per store: the study session's reads."""
    statement = store.cache.get(name)
    if statement is None:
        with store.reading() as conn:
            statement = store.cache[name] = DriverStatement(conn, core_select(
                *schema.card_t.c, *[schema.state_t.c[c] for c in STATE_COLUMNS])
                .join_from(schema.card_t, schema.state_t,
                           schema.state_t.c.card_id == schema.card_t.c.id)
                .where(where))
    assert isinstance(statement, DriverStatement)
    return statement


def showing(store: StoreContext, card_id: int) -> tuple[Card, CardState]:
    """A card and its state as a study session shows it, in one statement compiled once.
    Read apart through SQLAlchemy, on a pooled connection whose cache every grade empties,
    they took 0.13 and 0.04 ms at 100,000 cards; on SQLite this reads on the held
    connection (Store.held)."""
    statement = _showing_statement(store, "showing", schema.card_t.c.id == bindparam("cid"))
    with store.held() if store.dialect == "sqlite" else store.reading() as conn:
        row = statement.one(conn, {"cid": card_id})
    if row is None:
        raise NotFound(f"no card with id {card_id}")
    return _shown(row)


SHOWING_BATCH = 32  # ids a read-ahead statement binds (unused places bind 0, no card's id)


def showing_many(store: StoreContext, card_ids: list[int]) -> dict[int, tuple[Card, CardState]]:
    """``showing`` for the cards a session will show next, SHOWING_BATCH to a statement
    compiled once (compiling it for each read took a millisecond): the cards missing from
    the answer were removed (by an import) since the queue was built."""
    statement = _showing_statement(store, "showing_many", schema.card_t.c.id.in_(
        [bindparam(f"c{i}") for i in range(SHOWING_BATCH)]))
    out: dict[int, tuple[Card, CardState]] = {}
    with store.held() if store.dialect == "sqlite" else store.reading() as conn:
        for start in range(0, len(card_ids), SHOWING_BATCH):
            batch = card_ids[start:start + SHOWING_BATCH]
            params: dict[str, object] = {f"c{i}": 0 for i in range(SHOWING_BATCH)}
            params.update({f"c{i}": cid for i, cid in enumerate(batch)})
            out.update((row[0], _shown(row)) for row in statement.all(conn, params))
    return out


def _shown(row: tuple[Any, ...]) -> tuple[Card, CardState]:
    width = len(schema.card_t.c)
    found = dict(zip(schema.card_t.c.keys(), row[:width], strict=True))
    created = found["created_at"]  # the driver's row: milliseconds (store.columns)
    found["created_at"] = None if created is None else from_epoch_ms(created)
    return convert.card(found), state_of(tuple(row[width:]))


def card_by_key(store: StoreContext, deck_id: int, key: str) -> Card:
    with store.session() as session:
        found = session.exec(select(schema.Card).where(
            schema.Card.deck_id == deck_id, schema.Card.key == key)).first()
        if found is None:
            raise NotFound(f"no card {key!r} in that deck; `trainer cards deck:KEY` lists them")
        return convert.card(found)


def is_retired(store: StoreContext, card_id: int) -> bool:
    with store.session() as session:
        found = session.get(schema.CardState, card_id)
        return bool(found and found.retired)


def answer_count(store: StoreContext, card_id: int) -> int:
    """How many times a card has been answered (studied, repeated or quizzed): its showings
    so far."""
    from sqlalchemy import func

    from trainer.rules import ANSWER_KINDS

    review_t = schema.review_t
    with store.reading() as conn:
        return int(conn.execute(core_select(func.count()).where(
            review_t.c.card_id == card_id, review_t.c.kind.in_(ANSWER_KINDS))).scalar_one())


def review_count(store: StoreContext, card_ids: Sequence[int]) -> int:
    """How many answers (studied, repeated or quizzed) these cards have in the log: what a
    destructive command says it affects."""
    from sqlalchemy import func

    from trainer.rules import ANSWER_KINDS
    from trainer.store.driver import chunks

    review_t = schema.review_t
    total = 0
    with store.reading() as conn:
        for chunk in chunks(list(card_ids)):
            total += int(conn.execute(core_select(func.count()).where(
                review_t.c.card_id.in_(chunk), review_t.c.kind.in_(ANSWER_KINDS))).scalar_one())
    return total


def deck_cards(store: StoreContext, deck_id: int, *, retired: bool = False) -> list[Card]:
    """A deck's cards in deck order; its retired cards too only if asked."""
    with store.session() as session:
        query = select(schema.Card).where(schema.Card.deck_id == deck_id)
        if not retired:
            query = query.join(schema.CardState).where(
                col(schema.CardState.retired).is_(False))
        rows = session.exec(
            query.order_by(col(schema.Card.position), col(schema.Card.id))).all()
        return [convert.card(row) for row in rows]


def deck_history(store: StoreContext, deck_id: int) -> dict[int, list[ReviewRow]]:
    """Every log row of a deck's cards, per card, oldest first: one query, not one a card."""
    out: dict[int, list[ReviewRow]] = {}
    with store.session() as session:
        rows = session.exec(
            select(schema.Review).where(col(schema.Review.card_id).in_(
                select(schema.Card.id).where(schema.Card.deck_id == deck_id)))
            .order_by(col(schema.Review.id))
        ).all()
        names = session_names(session.connection(), (row.session_id for row in rows))
        for record in convert.reviews(rows, names):
            out.setdefault(record.card_id, []).append(record)
    return out


def card_history(store: StoreContext, card_id: int) -> list[ReviewRow]:
    """Every log row of one card, oldest first."""
    with store.session() as session:
        rows = session.exec(
            select(schema.Review).where(schema.Review.card_id == card_id)
            .order_by(col(schema.Review.id))
        ).all()
        names = session_names(session.connection(), (row.session_id for row in rows))
        return convert.reviews(rows, names)


def review_log(store: StoreContext) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The whole review log with each card's deck and card key, oldest first: a header and
    plain rows, for `trainer export-reviews`. Each row has the state before it beside the
    state after, as the log implies it (convert.reviews)."""
    review_t, card_t, deck_t = schema.review_t, schema.card_t, schema.deck_t
    session_t = schema.session_t
    after = [f"after_{f}" for f in LOGGED_FIELDS]
    head = [session_t.c.name.label("session_id") if c.name == "session_id" else c
            for c in review_t.c if c.name != "card_id" and c.name not in after]
    query = (
        core_select(deck_t.c.key.label("deck"), card_t.c.key.label("card"), review_t.c.card_id,
                    *head, *[review_t.c[a] for a in after])
        .join(card_t, card_t.c.id == review_t.c.card_id)
        .join(deck_t, deck_t.c.id == card_t.c.deck_id)
        .join(session_t, session_t.c.id == review_t.c.session_id)
        .order_by(review_t.c.id)
    )
    names = [c.name for c in head]
    kind_at = 3 + names.index("kind")  # after deck, card and card_id
    quality_at = 3 + names.index("quality")
    befores = convert.Befores()
    out = []
    with store.reading() as conn:
        for row in conn.execute(query):
            values = list(row)
            state = values[-len(after):]
            before = befores.before(values[2], values[kind_at], tuple(state))
            # a row that is not an answer has no grade: empty, never read as a 0
            values[quality_at] = grade(values[kind_at], values[quality_at])
            out.append((*values[:2], *values[3:-len(after)], *before, *state))
    header = ["deck", "card", *[c.name for c in head], *[f"before_{f}" for f in LOGGED_FIELDS],
              *after]
    return header, out
