"""A card's flags (suspended, buried until tomorrow), its coloured flag (Anki's) and its tags,
changed outside grading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from trainer.rules import LEECH_TAG, FlagKind
from trainer.store import convert, driver
from trainer.store.log import log_change, read_state
from trainer.store.schema import card_t, deck_t, state_t, tag_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


def _flag(store: StoreContext, card_id: int, kind: FlagKind, session_id: str,
          **values: Any) -> int | None:
    """Change a card's flags with a log row; None when they already are so."""
    with store.transaction() as conn:
        before = read_state(store, conn, card_id)
        after = replace(before, **values)
        if after == before:
            return None
        return log_change(store, conn, before, after, kind, store.now(), session_id=session_id)


def suspend(store: StoreContext, card_id: int, session_id: str = "") -> int | None:
    return _flag(store, card_id, "suspend", session_id, suspended=True)


def bury_until_tomorrow(store: StoreContext, card_id: int, day: date | None = None,
                        session_id: str = "") -> int | None:
    until = (day or store.today()) + timedelta(days=1)
    return _flag(store, card_id, "bury", session_id, buried_until=until)


def _set_tags(conn: Connection, card_id: int, tags: str) -> None:
    text = conn.execute(select(card_t.c.search_text).where(card_t.c.id == card_id)).scalar_one()
    conn.execute(update(card_t).where(card_t.c.id == card_id).values(
        tags=tags, search_text=convert.retagged(text, tags)))


def add_tag(conn: Connection, card_id: int, tag: str) -> bool:
    tags = conn.execute(select(card_t.c.tags).where(card_t.c.id == card_id)).scalar_one()
    if tag in tags.split():
        return False
    _set_tags(conn, card_id, f"{tags} {tag}".strip())
    exists = conn.execute(select(tag_t.c.card_id).where(
        tag_t.c.card_id == card_id, tag_t.c.tag == tag)).first()
    if not exists:
        conn.execute(insert(tag_t).values(card_id=card_id, tag=tag))
    return True


def remove_tag(conn: Connection, card_id: int, tag: str) -> None:
    tags = conn.execute(select(card_t.c.tags).where(card_t.c.id == card_id)).scalar_one()
    _set_tags(conn, card_id, " ".join(t for t in tags.split() if t != tag))
    conn.execute(delete(tag_t).where(tag_t.c.card_id == card_id, tag_t.c.tag == tag))


def tag_cards(conn: Connection, card_ids: Sequence[int], tag: str, add: bool) -> list[int]:
    """Add ``tag`` to the cards' own tags (or remove it); the ids it changed."""
    changed: list[int] = []
    for cid in card_ids:
        own = conn.execute(select(card_t.c.tags).where(card_t.c.id == cid)).scalar_one()
        if add and add_tag(conn, cid, tag):
            changed.append(cid)
        elif not add and tag in own.split():
            remove_tag(conn, cid, tag)
            changed.append(cid)
    return changed


def set_retired(conn: Connection, card_ids: Sequence[int], retired: bool = True) -> list[int]:
    """Retire cards (or bring them back); the ids whose flag this changed."""
    changing = [cid for chunk in driver.chunks(card_ids) for cid in conn.execute(
        select(state_t.c.card_id).where(state_t.c.card_id.in_(chunk),
                                        state_t.c.retired.is_not(retired))).scalars()]
    for chunk in driver.chunks(changing):
        conn.execute(update(state_t).where(state_t.c.card_id.in_(chunk)).values(
            retired=retired))
    return changing


def set_flag(conn: Connection, card_ids: Sequence[int], flag: int) -> list[tuple[int, int]]:
    """Give cards the coloured flag ``flag`` (0: none); (card, its flag before) of each card
    it changed."""
    before = [(int(cid), int(was)) for chunk in driver.chunks(card_ids)
              for cid, was in conn.execute(select(card_t.c.id, card_t.c.flag).where(
                  card_t.c.id.in_(chunk), card_t.c.flag != flag))]
    for chunk in driver.chunks([cid for cid, _ in before]):
        conn.execute(update(card_t).where(card_t.c.id.in_(chunk)).values(flag=flag))
    return before


def own_tags(conn: Connection, card_id: int) -> list[str]:
    """The card's own tags, in their order."""
    tags = conn.execute(select(card_t.c.tags).where(card_t.c.id == card_id)).scalar_one()
    return list(convert.words(tags))


def retag(conn: Connection, card_id: int, tags: Sequence[str]) -> None:
    """The card's own tags become ``tags``; its effective tags (card_tag) follow, its deck's
    kept. A leech tag only card_tag held (grading put it there) stays: the student never saw
    it among the card's own to take it away."""
    was = own_tags(conn, card_id)
    deck_tags = conn.execute(select(deck_t.c.tags).join(card_t, card_t.c.deck_id == deck_t.c.id)
                             .where(card_t.c.id == card_id)).scalar_one()
    _set_tags(conn, card_id, " ".join(tags))
    have = set(conn.execute(select(tag_t.c.tag).where(tag_t.c.card_id == card_id)).scalars())
    wanted = set(deck_tags.split()) | set(tags)
    if LEECH_TAG in have and LEECH_TAG not in was:
        wanted.add(LEECH_TAG)
    if have - wanted:
        conn.execute(delete(tag_t).where(tag_t.c.card_id == card_id,
                                         tag_t.c.tag.in_(sorted(have - wanted))))
    driver.bulk_insert(conn, tag_t, ("card_id", "tag"),
                       [(card_id, t) for t in sorted(wanted - have)])
