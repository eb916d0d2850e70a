"""The statistics' queries: rows already aggregated in SQL, for trainer.stats to shape.

For all decks the answer figures read the daily rollup (a few thousand rows, however long the
log); for one deck or tag they read the review log through its indexes, grouped into rows of
the rollup's shape, so that each figure is written once. Every method returns typed rows
(NamedTuples) that are the same on every backend: days are dates and numbers ints, whatever
the driver gave, so that trainer.stats never asks which database it reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Table,
    and_,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
)

from trainer.rules import ANSWER_KINDS, PASS, QUIZ_RIGHT, RETAINED
from trainer.scheduler.sm2 import INITIAL_EASINESS_X100
from trainer.store import predicates
from trainer.store.columns import KIND_CODES, DayNumber, KindCode, MaturityCode
from trainer.store.driver import AnySelect
from trainer.store.predicates import in_play
from trainer.store.schema import card_t, deck_t, review_t, rollup_t, state_t, tag_t
from trainer.store.stats_grouping import grouped
from trainer.store.stats_rows import (
    AnswerRows,
    CardCounts,
    DayReviews,
    DeckCount,
    DueDay,
    EasinessCount,
    GradeCell,
    HardCard,
    HistoryCell,
    HourCell,
    QuizRow,
    Retention30,
    RetentionCell,
    TagCount,
    Tally,
    TodayCell,
    row_day,
)

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

# A driver's row as it comes, before the methods below turn it into one of the typed rows:
# SQLite's cursor gives days as ISO text and PostgreSQL's SUM a Decimal, and no row leaves
# this module so.
Raw = Any

# The rows are stats_rows'; named here too, as trainer.stats has always imported them.
__all__ = [
    "SCOPE_COLUMNS", "AnswerRows", "CardCounts", "DayReviews", "DeckCount", "DueDay",
    "EasinessCount", "GradeCell", "HardCard", "HistoryCell", "HourCell", "QuizRow",
    "Retention30", "RetentionCell", "StatsQueries", "TagCount", "Tally", "TodayCell", "queries",
]


@contextmanager
def queries(store: StoreContext, decks: int | Sequence[int] | None,
            tag: str | None) -> Iterator[StatsQueries]:
    """The statistics' queries on one read snapshot, for all decks, one deck (an id), some
    decks (a parent and the decks under it) or one tag."""
    with store.reading() as conn:
        q = StatsQueries(conn, decks, tag, predicates.leech_thresholds(store, conn))
        try:
            yield q
        finally:
            q.drop_scope()


SCOPE_COLUMNS = ("study_day", "hour", "maturity", "kind", "quality", "count", "total_ms")


class StatsQueries:
    def __init__(self, conn: Connection, decks: int | Sequence[int] | None, tag: str | None,
                 thresholds: dict[int, int]) -> None:
        self.conn = conn
        self.deck_ids = (decks,) if isinstance(decks, int) else None if decks is None else (
            tuple(decks))
        # one deck: the queries as they always were (its index drives)
        self.deck_id = self.deck_ids[0] if self.deck_ids and len(self.deck_ids) == 1 else None
        self.tag = tag
        self.thresholds = thresholds  # each deck's leech threshold
        self._scope: Table | None = None  # a deck's or tag's answers, rolled up once
        self._whole = self.deck_ids is None and tag is None
        if self.deck_ids is not None and tag is None:
            # A deck that holds every card (one big deck is common) is the whole collection:
            # every figure reads as for all decks, without joining each card to its deck
            # (0.91 s against 0.32 s at 100,000 cards).
            elsewhere = conn.execute(select(card_t.c.id).where(
                self._not_in_scope(card_t.c.deck_id)).limit(1)).first()
            self._whole = elsewhere is None

    def _in_scope(self, deck_id: ColumnElement[int]) -> ColumnElement[bool]:
        """The scope's decks as a condition on a deck id column."""
        assert self.deck_ids is not None
        if self.deck_id is not None:
            return deck_id == self.deck_id
        return deck_id.in_(self.deck_ids)

    def _not_in_scope(self, deck_id: ColumnElement[int]) -> ColumnElement[bool]:
        assert self.deck_ids is not None
        if self.deck_id is not None:
            return deck_id != self.deck_id
        return deck_id.not_in(self.deck_ids)

    def _only_deck(self) -> int | None:
        """The deck that holds every card, when one does (and the scope is not a tag)."""
        if self.tag is not None:
            return None
        first = self.conn.execute(select(card_t.c.deck_id).limit(1)).scalar()
        if first is None or (self.deck_ids is not None and first not in self.deck_ids):
            return None
        elsewhere = self.conn.execute(select(card_t.c.id).where(
            card_t.c.deck_id != first).limit(1)).first()
        return None if elsewhere is not None else int(first)

    def _scope_table(self) -> Table | None:
        """The scope's answers in the rollup's shape, grouped once for every figure: six
        figures each grouping a deck's part of a 1,000,000-answer log took 10.5 s, once 2.4 s.
        None when the scope is the whole collection (the rollup itself answers)."""
        if self._whole:
            return None
        if self._scope is not None:
            return self._scope
        scope = Table(
            "trainer_scope_answers", MetaData(),
            # typed as the log's columns it is filled from (codes, read back as names)
            Column("study_day", DayNumber), Column("hour", Integer),
            Column("maturity", MaturityCode), Column("kind", KindCode),
            Column("quality", Integer), Column("count", Integer),
            Column("total_ms", Integer), prefixes=["TEMPORARY"],
        )
        scope.create(self.conn)
        self._scope = scope
        query = (
            select(review_t.c.study_day, review_t.c.hour, review_t.c.maturity, review_t.c.kind,
                   review_t.c.quality, func.count(), func.sum(review_t.c.answer_ms))
            .where(review_t.c.kind.in_(ANSWER_KINDS))
            .group_by(review_t.c.study_day, review_t.c.hour, review_t.c.maturity,
                      review_t.c.kind, review_t.c.quality)
        )
        self.conn.execute(insert(scope).from_select(
            list(SCOPE_COLUMNS), self._cards(query, review_t.c.card_id)))
        return scope

    def drop_scope(self) -> None:
        if self._scope is not None:
            self._scope.drop(self.conn)
            self._scope = None

    # -- the scope ---------------------------------------------------------------------------

    def _cards(self, query: AnySelect, card_id_col: ColumnElement[int]) -> AnySelect:
        if self._whole:
            return query
        if self.deck_ids is not None:
            query = query.where(card_id_col.in_(
                select(card_t.c.id).where(self._in_scope(card_t.c.deck_id))))
        if self.tag is not None:
            query = query.where(card_id_col.in_(
                select(tag_t.c.card_id).where(tag_t.c.tag == self.tag)))
        return query

    def answers(self, start: date | None, today: date) -> AnswerRows:
        """Every answer figure's rows, from one read of the rollup-shaped cells (the daily
        rollup for all decks, the scope's own for a deck or tag) grouped here in one pass:
        six GROUP BYs, one a figure, re-read the 9,400-cell rollup of 10,000 cards six times
        (27 ms); reading it once and grouping it here takes 14 ms."""
        scope = self._scope_table()
        source = rollup_t if scope is None else scope
        query = select(*[source.c[name] for name in SCOPE_COLUMNS]).where(
            source.c.study_day <= today)
        if scope is not None:  # the scope's codes, read back as dates and names
            return grouped([tuple(r) for r in self.conn.execute(query)], start, today, row_day)
        if self.conn.dialect.name == "sqlite":  # the rollup's days as the ISO text it keeps
            return grouped(self._rows(query), start.isoformat() if start else None,
                            today.isoformat(), date.fromisoformat)
        return grouped(self._rows(query), start, today, row_day)

    def _rows(self, query: AnySelect) -> list[Raw]:
        result = self.conn.execute(query)  # compiled once, from SQLAlchemy's cache
        if self.conn.dialect.name == "sqlite":
            # the driver's own tuples (days as ISO text, made dates before they leave):
            # SQLAlchemy's result rows were 3 ms of 50 at 10,000 cards
            try:
                rows: list[Raw] = list(result.cursor.fetchall())
                return rows
            finally:
                result.close()
        return [tuple(r) for r in result]

    # -- answers -----------------------------------------------------------------------------

    def quizzes(self) -> list[QuizRow]:
        """Every quiz in the scope (QuizRow)."""
        # the quiz code written out, so that the partial index of quiz answers answers it
        # (a bound value would not match the index's condition); quizzes are few, read
        # through SQLAlchemy for their first day as a date
        query = (
            select(review_t.c.session_id, func.min(review_t.c.study_day), func.count(),
                   func.count().filter(review_t.c.quality >= QUIZ_RIGHT), func.min(review_t.c.id))
            .where(review_t.c.kind == literal_column(str(KIND_CODES["quiz"])))
            .group_by(review_t.c.session_id)
        )
        return [QuizRow(int(sid), row_day(day), int(n), int(right), int(first))
                for sid, day, n, right, first
                in self.conn.execute(self._cards(query, review_t.c.card_id))]

    # -- cards -------------------------------------------------------------------------------

    def counts(self, today: date) -> CardCounts:
        """The cards in play by maturity, each counted by the rule grading and the search
        apply (predicates)."""
        s = state_t.c
        active = in_play()
        query = select(
            func.count(),
            func.count().filter(s.suspended.is_(True)),
            *[func.count().filter(and_(active, predicates.maturity(m)))
              for m in ("new", "learning", "young", "mature")],
            func.count().filter(and_(active, predicates.buried(today))),
            func.count().filter(predicates.leech(self.thresholds)),
        ).where(s.retired.is_(False))
        row = self.conn.execute(self._cards(query, s.card_id)).one()
        return CardCounts(*(int(v or 0) for v in row))

    def forecast(self, today: date, days: int) -> list[DueDay]:
        """The next ``days`` days that have cards due: each card on the day it will next show.
        Overdue cards count today; a buried card on the day its burying ends, if later than
        its due day (today's count is then what the deck list and is:due count)."""
        s = state_t.c
        last = today + timedelta(days=days - 1)
        day = case((s.due < today, today), else_=s.due)
        counts: dict[date, int] = {}
        for shown, n in self._rows(self._cards(
                select(day, func.count()).where(in_play(), s.due.is_not(None), s.due <= last)
                .group_by(day), s.card_id)):
            counts[row_day(shown)] = int(n)
        # Buried cards are few: found by their own index and moved here, so that the count
        # above is the queue index's alone (reading each due card's burying from its row
        # took 47 ms of CPU at 100,000 cards, against 13)
        for shown, until in self._rows(self._cards(
                select(day, s.buried_until).where(
                    s.card_id.in_(predicates.buried_ids(today)), in_play(),
                    s.due.is_not(None), s.due <= last), s.card_id)):
            was, then = row_day(shown), row_day(until)
            counts[was] -= 1
            if max(was, then) <= last:
                counts[max(was, then)] = counts.get(max(was, then), 0) + 1
        return [DueDay(d, n) for d, n in counts.items() if n]

    def interval_counts(self, buckets: Sequence[tuple[int, int]]) -> list[int]:
        """Reviewed, unsuspended cards per bucket of intervals (lowest, highest day), in one
        pass: grouped by interval first, a million cards' states were sorted (0.40 s; 0.21 s
        so; 100,000: 0.026 and 0.017 s)."""
        s = state_t.c
        reviewed = and_(in_play(), s.due.is_not(None))
        counts = [func.count().filter(s.interval.between(low, high)) for low, high in buckets]
        return [int(n) for n in self.conn.execute(self._cards(
            select(*counts).where(reviewed), s.card_id)).one()]

    def easiness(self) -> list[EasinessCount]:
        """Reviewed, unsuspended cards per easiness."""
        s = state_t.c
        reviewed = and_(in_play(), s.due.is_not(None))
        return [EasinessCount(int(ef), int(n)) for ef, n in self._rows(self._cards(
            select(s.easiness_x100, func.count()).where(reviewed).group_by(s.easiness_x100),
            s.card_id))]

    def hardest(self, limit: int) -> list[HardCard]:
        """The ``limit`` hardest cards: the most lapses, then the lowest easiness."""
        s = state_t.c
        # The hardest from card_state alone, then their text: joining first would fetch the
        # prompt of every card before the sort.
        top = self._cards(
            select(s.card_id, s.lapses, s.easiness_x100, s.reviews)
            .where(or_(s.lapses > 0, s.easiness_x100 < INITIAL_EASINESS_X100), s.reviews > 0,
                   s.retired.is_(False))
            .order_by(s.lapses.desc(), s.easiness_x100, s.card_id)
            .limit(limit), s.card_id,
        ).subquery()
        # whether each is a leech, asked of these few alone (its state row again)
        return [HardCard(deck, card, prompt, int(lapses), int(ef), int(reviews), bool(leech))
                for deck, card, prompt, lapses, ef, reviews, leech in self._rows(
            select(deck_t.c.key, card_t.c.key, card_t.c.prompt, top.c.lapses,
                   top.c.easiness_x100, top.c.reviews, predicates.leech(self.thresholds))
            .select_from(top.join(card_t, card_t.c.id == top.c.card_id)
                         .join(deck_t, deck_t.c.id == card_t.c.deck_id)
                         .join(state_t, s.card_id == top.c.card_id))
            .order_by(top.c.lapses.desc(), top.c.easiness_x100, top.c.card_id))]

    # -- per deck and per tag ----------------------------------------------------------------

    def _mature_card(self) -> ColumnElement[bool]:
        return and_(predicates.maturity("mature"), in_play())

    def decks(self) -> list[DeckCount]:
        """Each deck with cards in the scope, by key."""
        s = state_t.c
        # On SQLite the states are read in card order, each card found by its id: the
        # planner otherwise walks the (deck, entry) index and looks each state up at a random
        # page, 1.1 s against 0.35 s at a million cards. (A unary + keeps SQLite from
        # looking states up by their key.)
        state_key = (literal_column("+card_state.card_id")
                     if self.conn.dialect.name == "sqlite" else s.card_id)
        counts = {deck_id: (int(cards), int(mature)) for deck_id, cards, mature in self._rows(
            self._cards(
                select(card_t.c.deck_id, func.count().filter(s.retired.is_(False)),
                       func.count().filter(self._mature_card()))
                .select_from(state_t.join(card_t, card_t.c.id == state_key))
                .group_by(card_t.c.deck_id), s.card_id))}
        names = self._rows(select(deck_t.c.id, deck_t.c.key, deck_t.c.name).where(
            deck_t.c.id.in_(list(counts))).order_by(deck_t.c.key))
        return [DeckCount(deck_id, key, name, *counts[deck_id]) for deck_id, key, name in names]

    def top_tags(self, limit: int) -> list[TagCount]:
        """The ``limit`` biggest tags and their cards, from the tag index alone."""
        return [TagCount(tag, int(n)) for tag, n in self._rows(self._cards(
            select(tag_t.c.tag, func.count()).group_by(tag_t.c.tag)
            .order_by(func.count().desc(), tag_t.c.tag).limit(limit), tag_t.c.card_id))]

    def mature_per_tag(self) -> list[TagCount]:
        """Each tag's mature cards: counted only for the cards that are mature."""
        # On SQLite the tag index is walked in tag order, each card checked against the
        # mature ones (a unary + keeps the check from driving): looking each mature card's
        # tags up by card, then sorting them by tag, took 1.3 s against 0.7 s at a million
        # cards (the same at 100,000). A deck's or tag's own condition still drives.
        card_key = (literal_column("+card_tag.card_id")
                    if self.conn.dialect.name == "sqlite" else tag_t.c.card_id)
        return [TagCount(tag, int(n)) for tag, n in self._rows(self._cards(
            select(tag_t.c.tag, func.count())
            .where(card_key.in_(select(state_t.c.card_id).where(self._mature_card())))
            .group_by(tag_t.c.tag), tag_t.c.card_id))]

    def retention_30d(self, tags: list[str], today: date) -> Retention30:
        """True retention's answers (rules.RETAINED) of the last 30 days, and how many passed,
        per deck and per tag (of ``tags``): from the covering study-day index, the recent
        answers joined to their cards and tags, never the log."""
        decks: dict[int, Tally] = {}
        by_tags: dict[str, Tally] = {}
        r = review_t.c
        recent = and_(r.study_day >= today - timedelta(days=29), r.study_day <= today,
                      r.kind == "scheduled", r.maturity.in_(RETAINED))
        counts = (func.count(), func.count().filter(r.quality >= PASS))
        only = self._only_deck()
        if only is not None:
            # one deck holds every card: its answers are all the answers, counted from the
            # day index alone (joined to their cards, 0.6 s at a million cards: each card
            # row looked up at a random page of a table that holds every card's text)
            for t, p in self._rows(select(*counts).where(recent)):
                if t:
                    decks[only] = Tally(int(t), int(p))
        else:
            by_deck = (select(card_t.c.deck_id, *counts)
                       .select_from(review_t.join(card_t, card_t.c.id == r.card_id))
                       .where(recent).group_by(card_t.c.deck_id))
            if self.deck_ids is not None:
                by_deck = by_deck.where(self._in_scope(card_t.c.deck_id))
            for deck_id, t, p in self._rows(by_deck):
                decks[deck_id] = Tally(int(t), int(p))
        if tags:
            # Every tag, filtered here: a condition on the tag makes SQLite walk the tag
            # index and probe the recent answers 250,000 times instead of the other way round.
            # The answers are counted per card first, so that each card's tags are looked up
            # once and in card order: answer by answer, a million cards took 0.88 s against
            # 0.65 s (0.04 s either way at 100,000). Only the scope's cards count.
            wanted = set(tags)
            per_card = self._cards(
                select(r.card_id, func.count().label("n"),
                       func.count().filter(r.quality >= PASS).label("ok"))
                .where(recent).group_by(r.card_id), r.card_id).subquery()
            by_tag = (select(tag_t.c.tag, func.sum(per_card.c.n), func.sum(per_card.c.ok))
                      .select_from(per_card.join(tag_t, tag_t.c.card_id == per_card.c.card_id))
                      .group_by(tag_t.c.tag))
            for tag, t, p in self._rows(by_tag):
                if tag in wanted:  # PostgreSQL's SUM is a Decimal
                    by_tags[tag] = Tally(int(t or 0), int(p or 0))
        return Retention30(decks, by_tags)
