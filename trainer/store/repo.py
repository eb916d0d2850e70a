"""The repository: every read and write the study session, importer and CLI need.

Each public method is one transaction. The grading path (``record_review``) uses SQLAlchemy Core
on one held connection with ``BEGIN IMMEDIATE``: an ORM Session per grade costs several times as
much, and the write lock taken up front means no "database is locked" on lock upgrade.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from operator import itemgetter

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from trainer.errors import UserError
from trainer.scheduler import sm2
from trainer.settings import Settings
from trainer.store.bulk import DriverStatement, fetch_column, sqlite_date, sqlite_datetime
from trainer.store.models import (
    Card,
    CardState,
    DailyRollup,
    Deck,
    Review,
    maturity,
)
from trainer.studyday import study_day

deck_t = Deck.__table__
card_t = Card.__table__
state_t = CardState.__table__
review_t = Review.__table__
rollup_t = DailyRollup.__table__

ANSWER_KINDS = ("scheduled", "repeat", "quiz")  # the kinds that are answers (rolled up)
STATE_FIELDS = ("repetitions", "easiness_x100", "interval", "due", "reviews", "lapses")
REPEAT_UNTIL = 4  # SM-2's same-day rule: repeat until graded 4 or 5


@dataclass(frozen=True, slots=True)
class Limits:
    new_per_day: int
    reviews_per_day: int


UNLIMITED = Limits(10**9, 10**9)


class QueueItem(tuple):
    """One card in today's queue: (card_id, bucket), bucket being "review", "repeat" or "new".

    A bare tuple subclass, built from (card_id, bucket) pairs without any Python-level
    constructor: today's queue at 100,000 cards is 40,000 of them."""

    __slots__ = ()
    card_id = property(itemgetter(0))
    bucket = property(itemgetter(1))

    @classmethod
    def of(cls, card_id: int, bucket: str) -> QueueItem:
        return cls((card_id, bucket))

    def __repr__(self) -> str:
        return f"QueueItem(card_id={self[0]!r}, bucket={self[1]!r})"


def _items(ids: list[int], bucket: str) -> list[QueueItem]:
    return list(map(QueueItem, zip(ids, repeat(bucket))))


@dataclass(frozen=True, slots=True)
class StateRow:
    card_id: int
    repetitions: int
    easiness_x100: int
    interval: int
    due: date | None
    reviews: int
    lapses: int
    suspended: bool
    buried_until: date | None
    last_reviewed: datetime | None

    @property
    def sm2(self) -> sm2.SM2State:
        return sm2.SM2State.from_x100(self.repetitions, self.easiness_x100, self.interval)


@dataclass(frozen=True, slots=True)
class UndoneReview:
    review_id: int
    card_id: int
    kind: str
    quality: int
    session_id: str


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def _rollup_upsert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(rollup_t).values(
        study_day=bindparam("r_day"),
        hour=bindparam("r_hour"),
        maturity=bindparam("r_maturity"),
        kind=bindparam("r_kind"),
        quality=bindparam("r_quality"),
        count=1,
        total_ms=bindparam("r_ms"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["study_day", "hour", "maturity", "kind", "quality"],
        set_={
            "count": rollup_t.c.count + 1,
            "total_ms": rollup_t.c.total_ms + stmt.excluded.total_ms,
        },
    )


class _DriverStatements:
    """The grading path's four statements, compiled once for the store's dialect."""

    def __init__(self, store: Store, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        columns = {c.name: bindparam(c.name) for c in review_t.c if c.name != "id"}
        insert_review = insert(review_t).values(columns)
        if not self.sqlite:
            insert_review = insert_review.returning(review_t.c.id)
        self.select_state = DriverStatement(conn, store._select_state)
        self.update_state = DriverStatement(conn, store._update_state)
        self.insert_review = DriverStatement(conn, insert_review)
        self.upsert_rollup = DriverStatement(conn, store._upsert)


class Store:
    """A open database plus the settings that interpret it (time zone, day start, lapse rule)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings | None = None,
        clock: Callable[[], datetime] | None = None,
        backup_path: str | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or Settings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.backup_path = backup_path
        self._lock = threading.RLock()
        self._conn: Connection | None = None
        self._dialect = engine.dialect.name
        self._upsert = _rollup_upsert(self._dialect)
        self._driver_statements: _DriverStatements | None = None
        self._select_state = select(*[state_t.c[f] for f in (
            "card_id", *STATE_FIELDS, "suspended", "buried_until", "last_reviewed")]).where(
            state_t.c.card_id == bindparam("cid"))
        self._update_state = (
            update(state_t)
            .where(state_t.c.card_id == bindparam("cid"))
            .values({f: bindparam(f"s_{f}") for f in (*STATE_FIELDS, "last_reviewed")})
        )

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction on the held connection; it commits on success, else rolls back."""
        with self._lock:
            if self._conn is None:
                self._conn = self.engine.connect()
            conn = self._conn
            try:
                with conn.begin():
                    yield conn
            except BaseException:
                if conn.in_transaction():
                    conn.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only snapshot on a pooled connection (never takes the write lock)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(immediate=False)
            with conn.begin():
                yield conn

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return study_day(self.now(), self.settings)

    def _hour(self, moment: datetime) -> int:
        return moment.astimezone(self.settings.tzinfo()).hour

    # -- decks and cards --------------------------------------------------------------------

    def find_deck(self, ref: str) -> dict:
        """A deck by key, else by a unique name; UserError naming the problem otherwise."""
        with self.reading() as conn:
            row = conn.execute(select(deck_t).where(deck_t.c.key == ref)).mappings().first()
            if row:
                return dict(row)
            rows = conn.execute(select(deck_t).where(deck_t.c.name == ref)).mappings().all()
        if len(rows) == 1:
            return dict(rows[0])
        if rows:
            keys = ", ".join(r["key"] for r in rows)
            raise UserError(f"deck name {ref!r} is ambiguous; use a key: {keys}")
        raise UserError(f"no deck with key or name {ref!r}; `trainer decks` lists them")

    def create_deck(self, key: str, name: str, **fields: object) -> int:
        now = _utc(self.now())
        with self.transaction() as conn:
            values = {"key": key, "name": name, "created_at": now, "updated_at": now} | fields
            values.setdefault("description", "")
            values.setdefault("source", "")
            values.setdefault("tags", "")
            return int(conn.execute(insert(deck_t).values(values)).inserted_primary_key[0])

    def add_cards(self, deck_id: int, cards: list[dict], conn: Connection | None = None) -> None:
        """Insert new cards (set-based) with fresh states. Each dict needs key and kind."""
        if conn is None:
            with self.transaction() as c:
                return self.add_cards(deck_id, cards, c)
        if not cards:
            return None
        base = conn.execute(
            select(func.coalesce(func.max(card_t.c.position), -1)).where(
                card_t.c.deck_id == deck_id
            )
        ).scalar()
        rows = []
        for i, card in enumerate(cards):
            row = {c.name: c.default.arg for c in card_t.c if c.default is not None}
            row.update(entry=card["key"], position=base + 1 + i)
            row.update(card)
            row["deck_id"] = deck_id
            rows.append(row)
        conn.execute(insert(card_t), rows)
        ids = conn.execute(
            select(card_t.c.id).where(
                card_t.c.deck_id == deck_id, card_t.c.position > base
            ).order_by(card_t.c.position)
        ).scalars().all()
        defaults = {c.name: c.default.arg for c in state_t.c if c.default is not None}
        conn.execute(insert(state_t), [defaults | {"card_id": cid} for cid in ids])
        return None

    def card(self, card_id: int) -> dict:
        with self.reading() as conn:
            row = conn.execute(select(card_t).where(card_t.c.id == card_id)).mappings().first()
        if row is None:
            raise UserError(f"no card with id {card_id}")
        return dict(row)

    def state(self, card_id: int) -> StateRow:
        with self.reading() as conn:
            return self._state(conn, card_id)

    def _state(self, conn: Connection, card_id: int) -> StateRow:
        cursor = self._driver(conn).select_state.execute(conn, {"cid": card_id})
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            raise UserError(f"no card with id {card_id}")
        cid, reps, ef, interval, due, reviews, lapses, suspended, buried, last = row
        return StateRow(cid, reps, ef, interval, sqlite_date(due), reviews, lapses,
                        bool(suspended), sqlite_date(buried), sqlite_datetime(last))

    def _driver(self, conn: Connection) -> _DriverStatements:
        if self._driver_statements is None:
            self._driver_statements = _DriverStatements(self, conn)
        return self._driver_statements

    def deck_overview(self, day: date | None = None) -> list[dict]:
        """Every deck, sorted by key, with card counts and today's new / due / repeat counts
        (new and due within the daily limits)."""
        day = day or self.today()
        not_buried = or_(state_t.c.buried_until.is_(None), state_t.c.buried_until <= day)
        usable = and_(state_t.c.suspended.is_(False), not_buried)
        with self.reading() as conn:
            decks = [dict(r) for r in conn.execute(select(deck_t).order_by(deck_t.c.key))
                     .mappings()]
            per_deck = {
                row[0]: row[1:]
                for row in conn.execute(
                    select(
                        card_t.c.deck_id,
                        func.count(),
                        func.count().filter(and_(usable, state_t.c.due.is_(None))),
                        func.count().filter(and_(usable, state_t.c.due <= day)),
                        func.count().filter(state_t.c.suspended.is_(True)),
                        func.max(state_t.c.last_reviewed),
                    )
                    .join(state_t, state_t.c.card_id == card_t.c.id)
                    .group_by(card_t.c.deck_id)
                )
            }
            is_new = and_(review_t.c.before_due.is_(None), review_t.c.before_reviews == 0)
            done = {
                row[0]: row[1:]
                for row in conn.execute(
                    select(card_t.c.deck_id, func.count().filter(is_new),
                           func.count().filter(~is_new))
                    .join(card_t, card_t.c.id == review_t.c.card_id)
                    .where(review_t.c.study_day == day, review_t.c.kind == "scheduled")
                    .group_by(card_t.c.deck_id)
                )
            }
            repeat_ids = self.pending_repeats(conn, None, day)
            repeats: dict[int, int] = {}
            if repeat_ids:
                for deck_id in conn.execute(
                    select(card_t.c.deck_id).where(card_t.c.id.in_(repeat_ids))
                ).scalars():
                    repeats[deck_id] = repeats.get(deck_id, 0) + 1
        out = []
        for deck in decks:
            cards, new_avail, due_avail, suspended, last = per_deck.get(
                deck["id"], (0, 0, 0, 0, None))
            new_done, reviews_done = done.get(deck["id"], (0, 0))
            limits = self.limits_for(deck)
            out.append({
                "id": deck["id"],
                "key": deck["key"],
                "name": deck["name"],
                "cards": cards,
                "new": max(0, min(new_avail, limits.new_per_day - new_done)),
                "due": max(0, min(due_avail, limits.reviews_per_day - reviews_done)),
                "repeat": repeats.get(deck["id"], 0),
                "suspended": suspended,
                "last_studied": last,  # the latest scheduled answer
            })
        return out

    def card_ids(self, deck_id: int | None) -> list[int]:
        """Every unsuspended card id, of one deck or all, in deck order."""
        query = (
            select(card_t.c.id)
            .join(state_t, state_t.c.card_id == card_t.c.id)
            .where(state_t.c.suspended.is_(False))
            .order_by(card_t.c.deck_id, card_t.c.position, card_t.c.id)
        )
        if deck_id is not None:
            query = query.where(card_t.c.deck_id == deck_id)
        with self.reading() as conn:
            return list(conn.execute(query).scalars())

    def next_due(self, deck: dict | None, day: date | None = None) -> tuple[date | None, int]:
        """The first study day after ``day`` with reviews due, and how many are due tomorrow."""
        day = day or self.today()
        query = select(func.min(state_t.c.due), func.count().filter(
            state_t.c.due == day + timedelta(days=1)))
        query = query.where(state_t.c.suspended.is_(False), state_t.c.due > day)
        if deck is not None:
            query = query.join(card_t, card_t.c.id == state_t.c.card_id).where(
                card_t.c.deck_id == deck["id"])
        with self.reading() as conn:
            first, tomorrow = conn.execute(query).one()
        return first, int(tomorrow or 0)

    def tags(self) -> list[str]:
        from trainer.store.models import CardTag

        tag_t = CardTag.__table__
        with self.reading() as conn:
            return list(conn.execute(select(tag_t.c.tag).distinct().order_by(tag_t.c.tag))
                        .scalars())

    def review_log(self) -> tuple[list[str], list[tuple]]:
        """The whole review log with each card's deck and key, oldest first."""
        columns = [c for c in review_t.c if c.name != "card_id"]
        query = (
            select(deck_t.c.key.label("deck"), card_t.c.key.label("card"), *columns)
            .join(card_t, card_t.c.id == review_t.c.card_id)
            .join(deck_t, deck_t.c.id == card_t.c.deck_id)
            .order_by(review_t.c.id)
        )
        with self.reading() as conn:
            result = conn.execute(query)
            return list(result.keys()), [tuple(r) for r in result]

    def deck_cards(self, deck_id: int) -> list[dict]:
        """A deck's cards in deck order."""
        with self.reading() as conn:
            return [dict(r) for r in conn.execute(
                select(card_t).where(card_t.c.deck_id == deck_id)
                .order_by(card_t.c.position, card_t.c.id)
            ).mappings()]

    # -- the queue --------------------------------------------------------------------------

    def limits_for(self, deck: dict | None) -> Limits:
        new = self.settings.new_per_day
        reviews = self.settings.reviews_per_day
        if deck is not None:
            new = deck["new_per_day"] if deck["new_per_day"] is not None else new
            reviews = deck["reviews_per_day"] if deck["reviews_per_day"] is not None else reviews
        return Limits(new, reviews)

    def studied_today(self, conn: Connection, deck_id: int | None, day: date) -> tuple[int, int]:
        """(new cards introduced, reviews done) by scheduled answers on ``day``."""
        is_new = and_(review_t.c.before_due.is_(None), review_t.c.before_reviews == 0)
        query = select(
            func.count().filter(is_new), func.count().filter(~is_new)
        ).where(review_t.c.study_day == day, review_t.c.kind == "scheduled")
        if deck_id is not None:
            query = query.join(card_t, card_t.c.id == review_t.c.card_id).where(
                card_t.c.deck_id == deck_id
            )
        new, reviews = conn.execute(query).one()
        return int(new or 0), int(reviews or 0)

    def pending_repeats(self, conn: Connection, deck_id: int | None, day: date) -> list[int]:
        """Cards whose latest answer today was below 4: SM-2 repeats them until 4 or 5."""
        latest = (
            select(func.max(review_t.c.id).label("rid"))
            .where(review_t.c.study_day == day, review_t.c.kind.in_(("scheduled", "repeat")))
            .group_by(review_t.c.card_id)
            .subquery()
        )
        query = (
            select(review_t.c.card_id)
            .join(latest, latest.c.rid == review_t.c.id)
            .join(state_t, state_t.c.card_id == review_t.c.card_id)
            .where(
                review_t.c.quality < REPEAT_UNTIL,
                state_t.c.suspended.is_(False),
                or_(state_t.c.buried_until.is_(None), state_t.c.buried_until <= day),
            )
            .order_by(review_t.c.id)
        )
        if deck_id is not None:
            query = query.join(card_t, card_t.c.id == review_t.c.card_id).where(
                card_t.c.deck_id == deck_id
            )
        return list(conn.execute(query).scalars())

    def due_statement(self, day: date, limit: int) -> Select:
        """Due reviews, most overdue first, then hardest (lowest easiness)."""
        return (
            select(state_t.c.card_id)
            .where(state_t.c.suspended.is_(False), state_t.c.due <= day)
            .order_by(state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id)
            .limit(limit)
        )

    def due_queue(
        self, deck: dict | None, day: date | None = None, limits: Limits | None = None
    ) -> list[QueueItem]:
        """Due reviews (most overdue first, then hardest), pending repeats, then new cards."""
        day = day or self.today()
        limits = limits or self.limits_for(deck)
        deck_id = deck["id"] if deck else None
        with self.reading() as conn:
            new_done, reviews_done = self.studied_today(conn, deck_id, day)
            review_room = max(0, limits.reviews_per_day - reviews_done)
            new_room = max(0, limits.new_per_day - new_done)
            not_buried = or_(state_t.c.buried_until.is_(None), state_t.c.buried_until <= day)
            # Buried cards are few: leaving them out in Python lets the index alone answer the
            # due query (no table lookup for 30,000 rows).
            buried = set(conn.execute(
                select(state_t.c.card_id).where(state_t.c.buried_until > day)).scalars())
            due = self.due_statement(day, review_room + len(buried))
            new = (
                select(state_t.c.card_id)
                .join(card_t, card_t.c.id == state_t.c.card_id)
                .where(state_t.c.suspended.is_(False), state_t.c.due.is_(None), not_buried)
                .order_by(card_t.c.deck_id, card_t.c.position, card_t.c.id)
                .limit(new_room)
            )
            if deck_id is not None:
                due = due.join(card_t, card_t.c.id == state_t.c.card_id).where(
                    card_t.c.deck_id == deck_id
                )
                new = new.where(card_t.c.deck_id == deck_id)
            due_ids = fetch_column(conn, due) if review_room else []
            if buried:
                due_ids = [cid for cid in due_ids if cid not in buried][:review_room]
            repeats = self.pending_repeats(conn, deck_id, day)
            new_ids = conn.execute(new).scalars().all() if new_room else []
        queued = set(due_ids)
        items = _items(due_ids, "review")
        items += _items([cid for cid in repeats if cid not in queued], "repeat")
        items += _items(new_ids, "new")
        return items

    # -- recording answers ------------------------------------------------------------------

    def record_review(
        self,
        card_id: int,
        quality: int,
        kind: str = "scheduled",
        answered_at: datetime | None = None,
        answer_ms: int = 0,
        session_id: str = "",
    ) -> int:
        """Log an answer; a scheduled one also applies SM-2. Committed when this returns."""
        if kind not in ANSWER_KINDS:
            raise ValueError(f"kind must be one of {ANSWER_KINDS}, not {kind!r}")
        if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
            raise ValueError(f"quality must be an int from 0 to 5, not {quality!r}")
        answered_at = answered_at or self.now()
        day = study_day(answered_at, self.settings)
        lapse_rule = self.settings.lapse_updates_easiness
        with self.transaction() as conn:
            before = self._state(conn, card_id)
            after = before
            if kind == "scheduled":
                new = sm2.review(before.sm2, quality, lapse_updates_easiness=lapse_rule)
                lapse = quality < 3 and before.repetitions >= 1
                after = StateRow(
                    card_id,
                    new.repetitions,
                    new.easiness_x100,
                    new.interval,
                    day + timedelta(days=new.interval),
                    before.reviews + 1,
                    before.lapses + lapse,
                    before.suspended,
                    before.buried_until,
                    _utc(answered_at),
                )
                self._driver(conn).update_state.execute(
                    conn, self._state_params(after)).close()
            return self._log(
                conn, before, after, kind, quality, answered_at, day, answer_ms, session_id,
                lapse_rule,
            )

    def _state_params(self, s: StateRow) -> dict:
        params = {f"s_{f}": getattr(s, f) for f in (*STATE_FIELDS, "last_reviewed")}
        params["cid"] = s.card_id
        return params

    def _log(
        self,
        conn: Connection,
        before: StateRow,
        after: StateRow,
        kind: str,
        quality: int,
        answered_at: datetime,
        day: date,
        answer_ms: int,
        session_id: str,
        lapse_rule: bool,
    ) -> int:
        hour = self._hour(answered_at)
        row = {
            "card_id": before.card_id,
            "session_id": session_id,
            "reviewed_at": _utc(answered_at),
            "study_day": day,
            "hour": hour,
            "quality": quality,
            "kind": kind,
            "answer_ms": max(0, int(answer_ms)),
            "lapse_updates_easiness": lapse_rule,
        }
        for f in STATE_FIELDS:
            row[f"before_{f}"] = getattr(before, f)
            row[f"after_{f}"] = getattr(after, f)
        driver = self._driver(conn)
        cursor = driver.insert_review.execute(conn, row)
        try:
            review_id = cursor.lastrowid if driver.sqlite else cursor.fetchone()[0]
        finally:
            cursor.close()
        if kind in ANSWER_KINDS:
            driver.upsert_rollup.execute(
                conn,
                {
                    "r_day": day,
                    "r_hour": hour,
                    "r_maturity": maturity(
                        before.repetitions, before.interval, before.reviews, before.due
                    ),
                    "r_kind": kind,
                    "r_quality": quality,
                    "r_ms": row["answer_ms"],
                },
            ).close()
        return int(review_id)

    def set_state(
        self,
        card_id: int,
        state: sm2.SM2State,
        due: date | None,
        *,
        kind: str,
        reviews: int | None = None,
        lapses: int | None = None,
        at: datetime | None = None,
        conn: Connection | None = None,
    ) -> int:
        """Set a card's state outside SM-2 (an import or a reset), logged as its own row."""
        if kind not in ("import", "reset"):
            raise ValueError("set_state is for import and reset rows")
        at = at or self.now()

        def write(c: Connection) -> int:
            before = self._state(c, card_id)
            after = StateRow(
                card_id, state.repetitions, state.easiness_x100, state.interval, due,
                before.reviews if reviews is None else reviews,
                before.lapses if lapses is None else lapses,
                before.suspended, before.buried_until, before.last_reviewed,
            )
            c.execute(self._update_state, self._state_params(after))
            return self._log(
                c, before, after, kind, 0, at, study_day(at, self.settings), 0, "",
                self.settings.lapse_updates_easiness,
            )

        if conn is not None:
            return write(conn)
        with self.transaction() as c:
            return write(c)

    def reset_card(self, card_id: int) -> int:
        """Forget a card: it becomes new again; the reset is logged, history kept."""
        return self.set_state(card_id, sm2.SM2State(), None, kind="reset", reviews=0, lapses=0)

    def undo_last_review(self, session_id: str | None = None) -> UndoneReview | None:
        """Delete the newest log row (of ``session_id`` if given) and restore its before-state."""
        with self.transaction() as conn:
            query = select(review_t).order_by(review_t.c.id.desc()).limit(1)
            if session_id is not None:
                query = query.where(review_t.c.session_id == session_id)
            row = conn.execute(query).mappings().first()
            if row is None:
                return None
            cid = row["card_id"]
            conn.execute(delete(review_t).where(review_t.c.id == row["id"]))
            if row["kind"] in ("scheduled", "import", "reset"):
                previous = conn.execute(
                    select(func.max(review_t.c.reviewed_at)).where(
                        review_t.c.card_id == cid, review_t.c.kind == "scheduled"
                    )
                ).scalar()
                values = {f: row[f"before_{f}"] for f in STATE_FIELDS}
                values["last_reviewed"] = previous
                conn.execute(update(state_t).where(state_t.c.card_id == cid).values(values))
            if row["kind"] in ANSWER_KINDS:
                key = and_(
                    rollup_t.c.study_day == row["study_day"],
                    rollup_t.c.hour == row["hour"],
                    rollup_t.c.maturity == maturity(
                        row["before_repetitions"], row["before_interval"],
                        row["before_reviews"], row["before_due"],
                    ),
                    rollup_t.c.kind == row["kind"],
                    rollup_t.c.quality == row["quality"],
                )
                conn.execute(
                    update(rollup_t).where(key).values(
                        count=rollup_t.c.count - 1,
                        total_ms=rollup_t.c.total_ms - row["answer_ms"],
                    )
                )
                conn.execute(delete(rollup_t).where(key, rollup_t.c.count <= 0))
            return UndoneReview(row["id"], cid, row["kind"], row["quality"], row["session_id"])

    # -- flags outside the replay -----------------------------------------------------------

    def _set_flags(self, card_id: int, **values: object) -> None:
        with self.transaction() as conn:
            done = conn.execute(
                update(state_t).where(state_t.c.card_id == card_id).values(**values)
            )
            if done.rowcount == 0:
                raise UserError(f"no card with id {card_id}")

    def suspend(self, card_id: int) -> None:
        self._set_flags(card_id, suspended=True)

    def unsuspend(self, card_id: int) -> None:
        self._set_flags(card_id, suspended=False)

    def bury_until_tomorrow(self, card_id: int, day: date | None = None) -> None:
        self._set_flags(card_id, buried_until=(day or self.today()) + timedelta(days=1))

    # -- replay -----------------------------------------------------------------------------

    def replayed_states(self, conn: Connection) -> dict[int, tuple]:
        """Every card's state as the log implies: (n, ef_x100, interval, due, reviews, lapses,
        last_reviewed). Cards with no log rows are new."""
        states: dict[int, list] = {
            cid: [0, 250, 0, None, 0, 0, None]
            for cid in conn.execute(select(card_t.c.id)).scalars()
        }
        rows = conn.execute(
            select(
                review_t.c.card_id, review_t.c.kind, review_t.c.quality, review_t.c.study_day,
                review_t.c.reviewed_at, review_t.c.lapse_updates_easiness,
                *[review_t.c[f"after_{f}"] for f in STATE_FIELDS],
            ).order_by(review_t.c.id)
        )
        for cid, kind, quality, day, at, lapse_rule, *after in rows:
            s = states[cid]
            if kind == "scheduled":
                new = sm2.review(
                    sm2.SM2State.from_x100(s[0], s[1], s[2]), quality,
                    lapse_updates_easiness=lapse_rule,
                )
                lapse = quality < 3 and s[0] >= 1
                states[cid] = [
                    new.repetitions, new.easiness_x100, new.interval,
                    day + timedelta(days=new.interval), s[4] + 1, s[5] + lapse, at,
                ]
            elif kind in ("import", "reset"):
                states[cid] = [*after, s[6]]
        return {cid: tuple(s) for cid, s in states.items()}

    def rebuild_states(self) -> int:
        """Recompute every card's state and the daily rollup from the log; returns changes."""
        with self.transaction() as conn:
            replayed = self.replayed_states(conn)
            current = {
                r[0]: tuple(r[1:])
                for r in conn.execute(
                    select(state_t.c.card_id, *[state_t.c[f] for f in STATE_FIELDS],
                           state_t.c.last_reviewed)
                )
            }
            changed = [cid for cid, s in replayed.items() if current.get(cid) != s]
            for cid in changed:
                s = replayed[cid]
                conn.execute(
                    update(state_t).where(state_t.c.card_id == cid).values(
                        dict(zip((*STATE_FIELDS, "last_reviewed"), s, strict=True))
                    )
                )
            self._rebuild_rollup(conn)
            return len(changed)

    def _rebuild_rollup(self, conn: Connection) -> None:
        conn.execute(delete(rollup_t))
        counts: dict[tuple, list[int]] = {}
        rows = conn.execute(
            select(
                review_t.c.study_day, review_t.c.hour, review_t.c.kind, review_t.c.quality,
                review_t.c.answer_ms, review_t.c.before_repetitions, review_t.c.before_interval,
                review_t.c.before_reviews, review_t.c.before_due,
            ).where(review_t.c.kind.in_(ANSWER_KINDS))
        )
        for day, hour, kind, quality, ms, reps, interval, reviews, due in rows:
            key = (day, hour, maturity(reps, interval, reviews, due), kind, quality)
            entry = counts.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] += ms
        if counts:
            conn.execute(
                insert(rollup_t),
                [
                    dict(zip(("study_day", "hour", "maturity", "kind", "quality"), k, strict=True))
                    | {"count": v[0], "total_ms": v[1]}
                    for k, v in counts.items()
                ],
            )

    def rollup_rows(self) -> list[tuple]:
        with self.reading() as conn:
            return [tuple(r) for r in conn.execute(select(rollup_t).order_by(*rollup_t.c))]
