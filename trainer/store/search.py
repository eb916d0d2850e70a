"""Searching cards: a parsed query (trainer.query) compiled to one SQL condition.

Words are case-insensitive substrings of any text field (LIKE with escaping, so punctuation
and % and _ are literal); retired cards are left out unless the query asks about them. The
browser and `trainer cards` show the first rows of a sorted result and the count of all.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true

from trainer import query as q
from trainer.rules import ANSWER_KINDS, MARKED_TAG
from trainer.store import convert, predicates
from trainer.store.records import FoundCard, SearchResult
from trainer.store.schema import alias_t, card_t, deck_t, review_t, state_t, tag_t
from trainer.studyday import day_start

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

STATE_SORTS = ("due", "interval", "ease", "lapses", "reviews")
SORTS = {
    "prompt": card_t.c.prompt, "deck": card_t.c.deck_id, "kind": card_t.c.kind,
    "due": state_t.c.due, "interval": state_t.c.interval, "ease": state_t.c.easiness_x100,
    "lapses": state_t.c.lapses, "reviews": state_t.c.reviews, "added": card_t.c.created_at,
    "flag": card_t.c.flag,
}
DEFAULT_LIMIT = 500


def _ids_in(ids: Any, counting: bool) -> ColumnElement[bool]:
    """Cards whose id is in a set. For a page of results "+ 0" keeps the planner from driving
    the search from the set: it walks the card index in deck order instead and stops at the
    page's last row (is:due at 100,000 cards: 110 ms driven by the set and sorted, 16 ms so).
    The count of every match is better driven by the set: each of its cards found by id,
    not every card checked against it (is:due at a million cards: 0.72 -> 0.37 s)."""
    return card_t.c.id.in_(ids) if counting else (card_t.c.id + 0).in_(ids)


def _like(pattern: str) -> str:
    """A glob with * as a LIKE pattern, lower case, with LIKE's own wildcards escaped."""
    escaped = pattern.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


class _Compiler:
    def __init__(self, store: StoreContext, today: date, counting: bool = False) -> None:
        self.store = store
        self.today = today
        self.counting = counting  # the condition counts every match (see _ids_in)

    def compile(self, node: q.Node) -> ColumnElement[bool]:
        match node:
            case q.Text(value):
                return card_t.c.search_text.contains(value.lower(), autoescape=True)
            case q.Deck(pattern):
                like = _like(pattern)
                return or_(card_t.c.deck_id.in_(select(deck_t.c.id).where(or_(
                    func.lower(deck_t.c.key).like(like, escape="\\"),
                    func.lower(deck_t.c.name).like(like, escape="\\")))),
                    card_t.c.deck_id.in_(select(alias_t.c.deck_id).where(  # former keys
                        func.lower(alias_t.c.key).like(like, escape="\\"))))
            case q.Tag(pattern):
                like = _like(pattern)
                return _ids_in(select(tag_t.c.card_id).where(or_(
                    self._like(tag_t.c.tag, like), self._like(tag_t.c.tag, like + "::%"))),
                    self.counting)
            case q.Kind(kind):
                return card_t.c.kind == kind
            case q.Flag(flag):
                return card_t.c.flag == flag
            case q.Is("marked"):  # Anki's mark is its tag (a deck's tag marks its cards too)
                return _ids_in(select(tag_t.c.card_id).where(self._like(tag_t.c.tag, MARKED_TAG)),
                               self.counting)
            case q.Is(what):
                return self._of_state(self._is(what))
            case q.Prop(name, op, value):
                return self._of_state(self._prop(name, op, value))
            case q.Added(days):
                since = day_start(self.today - timedelta(days=days - 1), self.store.settings)
                return card_t.c.created_at >= convert.utc(since)
            case q.Rated(days, grade):
                answered = select(review_t.c.card_id).where(
                    review_t.c.study_day > self.today - timedelta(days=days),
                    review_t.c.kind.in_(ANSWER_KINDS))
                if grade is not None:
                    answered = answered.where(review_t.c.quality == grade)
                return _ids_in(answered, self.counting)
            case q.Not(inner):
                return not_(self.compile(inner))
            case q.And(nodes):
                return and_(*[self.compile(n) for n in nodes])
            case q.Or(nodes):
                return or_(*[self.compile(n) for n in nodes])
        raise AssertionError(node)

    def _of_state(self, where: ColumnElement[bool]) -> ColumnElement[bool]:
        return _ids_in(select(state_t.c.card_id).where(where), self.counting)

    def _like(self, column: Any, pattern: str) -> ColumnElement[bool]:
        """Case-insensitive LIKE: SQLite's own LIKE is (for ASCII), and lower() on every row
        cost 36 ms of a tag search's 49 at 100,000 cards; PostgreSQL has ILIKE."""
        if self.store.dialect == "sqlite":
            return column.like(pattern, escape="\\")  # type: ignore[no-any-return]
        return column.ilike(pattern, escape="\\")  # type: ignore[no-any-return]

    def _is(self, what: str) -> ColumnElement[bool]:
        """The rules' own conditions (store.predicates): what the statistics count."""
        s = state_t.c
        match what:
            case "new" | "learning" | "young" | "mature":
                return predicates.maturity(what)
            case "due":
                return predicates.due(self.today)
            case "buried":
                return predicates.buried(self.today)
            case "leech":
                with self.store.reading() as conn:
                    return predicates.leech(predicates.leech_thresholds(self.store, conn))
            case "suspended":
                return s.suspended.is_(True)
            case "retired":
                return s.retired.is_(True)
        raise AssertionError(what)

    def _prop(self, name: str, op: str, value: float) -> ColumnElement[bool]:
        s = state_t.c
        column: Any
        value_: Any
        if name == "due":
            column, value_ = s.due, self.today + timedelta(days=int(value))
        elif name == "ease":
            column, value_ = s.easiness_x100, round(value * 100)
        else:
            column = {"ivl": s.interval, "lapses": s.lapses, "reviews": s.reviews}[name]
            value_ = value
        compared: ColumnElement[bool] = {
            "<": column < value_, "<=": column <= value_, ">": column > value_,
            ">=": column >= value_, "=": column == value_, "!=": column != value_,
        }[op]
        return and_(column.is_not(None), compared) if name == "due" else compared


def condition(store: StoreContext, node: q.Node | None, today: date,
              joined: bool = True, counting: bool = False) -> ColumnElement[bool]:
    """The query as a condition on card (and card_state, when ``joined``); ``counting``: for
    counting every match rather than reading a page of them in order."""
    where = (_Compiler(store, today, counting).compile(node) if node is not None
             else true())
    if q.mentions_retired(node):
        return where
    if joined:
        return and_(where, state_t.c.retired.is_(False))
    # retired cards are few: leaving them out by id spares the join for every card
    return and_(where, card_t.c.id.not_in(
        select(state_t.c.card_id).where(state_t.c.retired.is_(True))))


STATE_COLUMNS = (state_t.c.due, state_t.c.interval, state_t.c.easiness_x100, state_t.c.lapses,
                 state_t.c.reviews, state_t.c.suspended, state_t.c.buried_until,
                 state_t.c.retired)


def search(store: StoreContext, node: q.Node | None, *, sort: str = "deck",
           descending: bool = False, limit: int | None = DEFAULT_LIMIT,
           today: date | None = None) -> SearchResult:
    """The matching cards, sorted (then in deck order), the first ``limit`` of them, and how
    many match in all.

    "deck" is deck order: the decks as they were added, each in its own order. Sorted by a
    card's own column, the search reads card alone (schedule terms are sets of ids) and then
    the states of the rows it shows; a sort by a schedule column joins card_state."""
    today = today or store.today()
    joined = sort in STATE_SORTS
    where = condition(store, node, today, joined)
    order = SORTS[sort]
    ordering = [order.desc().nulls_last() if descending else order.asc().nulls_last(),
                card_t.c.deck_id, card_t.c.position, card_t.c.id]
    if sort == "deck" and not descending:
        ordering = ordering[1:]  # the note index's own order: no sort at all
    card_columns = (card_t.c.id, deck_t.c.key, card_t.c.key, card_t.c.kind, card_t.c.prompt,
                    card_t.c.answer, card_t.c.created_at, card_t.c.flag, card_t.c.tags)
    query = select(*card_columns, *(STATE_COLUMNS if joined else ()))
    source = card_t.join(deck_t, deck_t.c.id == card_t.c.deck_id)
    counting = select(func.count()).select_from(card_t)
    if joined:
        source = source.join(state_t, state_t.c.card_id == card_t.c.id)
        counting = counting.join(state_t, state_t.c.card_id == card_t.c.id)
    query = query.select_from(source).where(where).order_by(*ordering)
    if limit is not None:
        query = query.limit(limit)
    with store.reading() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
        if not joined and rows:
            states = {r[0]: tuple(r[1:]) for r in conn.execute(
                select(state_t.c.card_id, *STATE_COLUMNS).where(
                    state_t.c.card_id.in_([r[0] for r in rows])))}
            rows = [r + states[r[0]] for r in rows]
        total = len(rows) if limit is None or len(rows) < limit else int(
            conn.execute(counting.where(condition(store, node, today, joined,
                                                  counting=True))).scalar_one())
    return SearchResult(total, [
        FoundCard(r[0], r[1], r[2], r[3], r[4], r[5], r[9], r[10], r[11], r[12], r[13],
                  bool(r[14]), r[15], bool(r[16]), convert.aware(r[6]), r[7],
                  convert.words(r[8])) for r in rows])


def search_ids(store: StoreContext, node: q.Node | None, today: date | None = None) -> list[int]:
    """Every matching card's id, in deck order: what a bulk action acts on."""
    today = today or store.today()
    query = select(card_t.c.id).where(condition(store, node, today, False)).order_by(
        card_t.c.deck_id, card_t.c.position, card_t.c.id)
    with store.reading() as conn:
        return list(conn.execute(query).scalars())
