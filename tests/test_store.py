from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from tests.helpers import LONDON, Clock, basic_deck, import_bytes, make_store
from trainer.errors import UserError
from trainer.scheduler.sm2 import SM2State
from trainer.store import UNLIMITED, Limits, open_store
from trainer.store.engine import MIGRATIONS, head_revision, known_revisions, revision_chain
from trainer.store.queue import due_queue, due_statement
from trainer.store.replay import REPLAYED, rebuild_states, replayed_states, rollup_rows
from trainer.store.reviews import reset_card, set_state
from trainer.store.schema import review_t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store_ids(db_url, clock):
    store, ids = make_store(db_url, 6, clock)
    yield store, ids
    store.close()


def state_tuple(store, cid):
    s = store.cards.state(cid)
    return (s.repetitions, s.easiness_x100, s.interval, s.due, s.reviews, s.lapses)


def test_sqlite_pragmas_for_durability(tmp_path):
    store = open_store(str(tmp_path / "t.db"))
    with store.transaction() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    store.close()


def test_the_revisions_start_up_knows_are_alembics_single_chain():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    # several issues add migrations: two heads would be two schemas
    assert scripts.get_heads() == [head_revision()]
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert list(known_revisions()) == chain


def test_default_store_lives_in_trainer_home(_isolated_home):
    store = open_store()
    store.close()
    assert (_isolated_home / "trainer.db").exists()


def test_scheduled_review_applies_sm2_and_logs_both_states(store_ids, clock):
    store, ids = store_ids
    rid = store.reviews.record(ids[0], 5, answer_ms=1200, session_id="s1").review_id
    assert state_tuple(store, ids[0]) == (1, 260, 1, date(2026, 3, 3), 1, 0)
    with store.reading() as conn:
        row = conn.execute(select(review_t).where(review_t.c.id == rid)).mappings().one()
    assert (row["maturity"], row["after_repetitions"]) == ("new", 1)
    assert store.cards.history(ids[0])[-1].before_repetitions == 0
    assert (row["quality"], row["kind"], row["answer_ms"]) == (5, "scheduled", 1200)
    assert store.cards.history(ids[0])[-1].session_id == "s1"
    assert row["study_day"] == date(2026, 3, 2)
    clock.advance(days=1)
    store.reviews.record(ids[0], 4)
    assert state_tuple(store, ids[0]) == (2, 260, 6, date(2026, 3, 9), 2, 0)


def test_repeat_and_quiz_answers_change_no_schedule(store_ids):
    store, ids = store_ids
    store.reviews.record(ids[0], 3)
    before = state_tuple(store, ids[0])
    store.reviews.record(ids[0], 2, kind="repeat")
    store.reviews.record(ids[0], 1, kind="quiz")
    assert state_tuple(store, ids[0]) == before


def test_lapse_counts_only_failures_after_a_pass(store_ids, clock):
    store, ids = store_ids
    store.reviews.record(ids[0], 1)  # a new card failed: not a lapse
    assert store.cards.state(ids[0]).lapses == 0
    clock.advance(days=1)
    store.reviews.record(ids[0], 4)
    clock.advance(days=1)
    store.reviews.record(ids[0], 0)
    assert store.cards.state(ids[0]).lapses == 1


def test_bad_quality_and_kind_are_refused_and_nothing_logged(store_ids):
    store, ids = store_ids
    for q in (6, -1, 2.5):
        with pytest.raises(ValueError):
            store.reviews.record(ids[0], q)
    with pytest.raises(ValueError):
        store.reviews.record(ids[0], 4, kind="import")
    with store.reading() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM review")).scalar() == 0


def test_queue_order_repeats_then_reviews_with_new_cards_spread_among_them(store_ids, clock):
    store, ids = store_ids
    # Card 0: due 3 days ago; card 1: due yesterday with lower EF; card 2: due yesterday, EF high.
    for cid, q in ((ids[0], 5), (ids[1], 3), (ids[2], 5)):
        store.reviews.record(cid, q)
    clock.advance(days=1)
    store.reviews.record(ids[1], 3)  # repetitions 2, interval 6 -> due far ahead
    set_state(store, ids[0], SM2State(2, 2.6, 6), date(2026, 3, 1), kind="import")
    set_state(store, ids[1], SM2State(2, 2.2, 6), date(2026, 3, 2), kind="import")
    set_state(store, ids[2], SM2State(2, 2.7, 6), date(2026, 3, 2), kind="import")
    clock.advance(days=1)
    store.reviews.record(ids[3], 2)  # new card failed today: a pending repeat
    queue = due_queue(store, None, limits=UNLIMITED)
    # reviews most overdue first, then hardest; the two new cards spread evenly among them
    assert [(q.card_id, q.bucket) for q in queue] == [
        (ids[3], "repeat"), (ids[0], "review"), (ids[4], "new"), (ids[1], "review"),
        (ids[5], "new"), (ids[2], "review"),
    ]


def test_pending_repeats_survive_reopening_and_clear_at_four(db_url, clock):
    store, ids = make_store(db_url, 3, clock)
    store.reviews.record(ids[0], 3)
    store.close()
    store = open_store(db_url, settings=LONDON, clock=clock)
    assert [q.card_id for q in due_queue(store, None) if q.bucket == "repeat"] == [ids[0]]
    store.reviews.record(ids[0], 3, kind="repeat")
    assert [q.card_id for q in due_queue(store, None) if q.bucket == "repeat"] == [ids[0]]
    store.reviews.record(ids[0], 4, kind="repeat")
    assert [q for q in due_queue(store, None) if q.bucket == "repeat"] == []
    # the next study day, yesterday's repeats are gone
    store.reviews.record(ids[1], 1)
    clock.advance(days=1)
    assert [q for q in due_queue(store, None) if q.bucket == "repeat"] == []
    store.close()


def test_daily_limits_count_what_was_studied_today(store_ids):
    store, ids = store_ids
    limits = Limits(new_per_day=3, reviews_per_day=10)
    assert [q.bucket for q in due_queue(store, None, limits=limits)] == ["new"] * 3
    store.reviews.record(ids[0], 5)
    store.reviews.record(ids[1], 5)
    assert [q.card_id for q in due_queue(store, None, limits=limits)] == [ids[2]]
    store.undo.last_review()
    assert [q.card_id for q in due_queue(store, None, limits=limits)] == [ids[1], ids[2]]


def test_deck_limits_override_settings(store_ids):
    store, _ids = store_ids
    with store.transaction() as conn:
        conn.execute(text("UPDATE deck SET new_per_day = 2"))
    deck = store.decks.find("d")
    assert len(due_queue(store, deck)) == 2
    assert len(due_queue(store, None)) == 2  # all decks: each within its own limits


def test_suspended_and_buried_cards_leave_the_queue(store_ids, clock):
    store, ids = store_ids
    store.cards.suspend(ids[0])
    store.cards.bury_until_tomorrow(ids[1])
    queued = {q.card_id for q in due_queue(store, None)}
    assert ids[0] not in queued and ids[1] not in queued and ids[2] in queued
    clock.advance(days=1)
    queued = {q.card_id for q in due_queue(store, None)}
    assert ids[1] in queued and ids[0] not in queued
    store.cards.change_many([ids[0]], "unsuspend")  # `trainer unsuspend`, the browser
    assert ids[0] in {q.card_id for q in due_queue(store, None)}


def test_queue_limits_to_one_deck(db_url, clock):
    store, _ids = make_store(db_url, 2, clock, deck_key="a")
    import_bytes(store, basic_deck("b", 1))
    assert len(due_queue(store, store.decks.find("a"))) == 2
    assert len(due_queue(store, store.decks.find("Deck b"))) == 1
    assert len(due_queue(store, None)) == 3
    with pytest.raises(UserError, match="no deck"):
        store.decks.find("zzz")
    store.close()


def test_undo_walks_back_through_several_grades(store_ids, clock):
    store, ids = store_ids
    start = [state_tuple(store, c) for c in ids[:3]]
    store.reviews.record(ids[0], 5, session_id="s")
    store.reviews.record(ids[1], 2, session_id="s")
    store.reviews.record(ids[1], 4, kind="repeat", session_id="s")
    store.reviews.record(ids[2], 4, session_id="s")
    undone = [store.undo.last_review("s") for _ in range(4)]
    assert [(u.card_id, u.kind) for u in undone] == [
        (ids[2], "scheduled"), (ids[1], "repeat"), (ids[1], "scheduled"), (ids[0], "scheduled")]
    assert [state_tuple(store, c) for c in ids[:3]] == start
    assert store.undo.last_review("s") is None
    assert rollup_rows(store) == []
    assert store.cards.state(ids[0]).last_reviewed is None


def test_reset_makes_a_card_new_and_is_logged(store_ids):
    store, ids = store_ids
    store.reviews.record(ids[0], 5)
    reset_card(store, ids[0])
    assert state_tuple(store, ids[0]) == (0, 250, 0, None, 0, 0)
    store.undo.last_review()
    assert state_tuple(store, ids[0])[:3] == (1, 260, 1)


def test_rollup_counts_answers_by_hour_maturity_kind_quality(store_ids, clock):
    store, ids = store_ids
    store.reviews.record(ids[0], 5, answer_ms=1000)
    store.reviews.record(ids[1], 5, answer_ms=3000)
    store.reviews.record(ids[2], 2, answer_ms=500)
    store.reviews.record(ids[2], 4, kind="repeat", answer_ms=700)
    rows = {(r[2], r[3], r[4]): (r[5], r[6]) for r in rollup_rows(store)}
    assert rows == {
        ("new", "scheduled", 5): (2, 4000),
        ("new", "scheduled", 2): (1, 500),
        ("learning", "repeat", 4): (1, 700),
    }
    assert {r[1] for r in rollup_rows(store)} == {10}  # 10:00 UTC is 10:00 GMT in March


def test_rebuild_after_long_random_history_matches_stored_states(db_url, clock):
    store, ids = make_store(db_url, 12, clock)
    rng = random.Random(7)
    for _ in range(600):
        cid = rng.choice(ids)
        action = rng.random()
        if action < 0.70:
            store.reviews.record(cid, rng.randint(0, 5), answer_ms=rng.randint(100, 9000),
                                 session_id="s")
        elif action < 0.78:
            store.reviews.record(cid, rng.randint(0, 5), kind=rng.choice(["repeat", "quiz"]))
        elif action < 0.88:
            store.undo.last_review()
        elif action < 0.92:
            reset_card(store, cid)
        elif action < 0.94:
            set_state(store, cid, SM2State(rng.randint(1, 5), 2.2, rng.randint(1, 40)),
                      store.today() + timedelta(days=rng.randint(-5, 5)), kind="import",
                      reviews=rng.randint(1, 9), lapses=rng.randint(0, 3))
        elif action < 0.98:
            flag = rng.choice(["suspend", "unsuspend", "bury", "unbury"])
            if flag == "suspend":
                store.cards.suspend(cid)
            elif flag == "bury":
                store.cards.bury_until_tomorrow(cid)
            else:  # the way back is the browser's and the CLI's
                store.cards.change_many([cid], flag)
        else:
            store.settings = store.settings.model_copy(
                update={"lapse_updates_easiness": not store.settings.lapse_updates_easiness})
        clock.advance(hours=rng.randint(1, 30))
    stored = [tuple(getattr(store.cards.state(c), f) for f in REPLAYED) for c in ids]
    rollup = rollup_rows(store)
    with store.reading() as conn:
        replayed = replayed_states(conn)
    assert [replayed[c] for c in ids] == stored
    assert rebuild_states(store) == 0
    assert rollup_rows(store) == rollup
    # corrupt one state and one rollup row: rebuild mends both
    with store.transaction() as conn:
        conn.execute(text("UPDATE card_state SET interval = 999 WHERE card_id = :c"),
                     {"c": ids[0]})
        conn.execute(text(
            "DELETE FROM daily_rollup WHERE hour = (SELECT MIN(hour) FROM daily_rollup)"))
    assert rebuild_states(store) == 1
    assert [tuple(getattr(store.cards.state(c), f) for f in REPLAYED) for c in ids] == stored
    assert rollup_rows(store) == rollup
    store.close()


def test_due_queue_uses_an_index(tmp_path):
    store, _ = make_store(str(tmp_path / "t.db"), 3)
    with store.reading() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT card_id FROM card_state WHERE suspended = 0 "
            "AND due <= '2026-03-02' AND (buried_until IS NULL OR buried_until <= '2026-03-02') "
            "ORDER BY due, easiness_x100, card_id LIMIT 100"
        ).all()
    details = " ".join(str(r[-1]) for r in plan)
    assert "ix_card_state_queue" in details, details
    assert "SCAN card_state" not in details.replace("USING INDEX", "")
    store.close()


def test_the_due_query_the_store_runs_is_the_indexed_one(tmp_path):
    store, _ = make_store(str(tmp_path / "t.db"), 3)
    stmt = due_statement(date(2026, 3, 2))
    with store.reading() as conn:
        compiled = stmt.compile(dialect=conn.dialect)
        params = tuple(
            v.isoformat() if isinstance(v, date) else v
            for v in (compiled.params[n] for n in compiled.positiontup)
        )
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    details = " ".join(str(r[-1]) for r in plan)
    assert "COVERING INDEX ix_card_state_queue" in details, details
    assert "TEMP B-TREE" not in details  # the index gives the order too
    store.close()


def test_alembic_revision_writes_the_next_migration(tmp_path):
    import shutil
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    config = Config()
    config.set_main_option("script_location", str(scripts))
    made = command.revision(config, message="a new column")
    compile(Path(made.path).read_text(), made.path, "exec")
    # start-up reads the new script's revision lines as it reads the others'
    assert revision_chain(scripts / "versions") == (*known_revisions(), made.revision)


def test_an_empty_deck_and_a_cards_history_read_as_records(store_ids, clock):
    store, ids = store_ids
    deck = store.decks.create("empty", "An empty deck", tags=("x",))
    assert store.decks.find("An empty deck") == deck and deck.tags == ("x",)
    summary = next(d for d in store.decks.summaries().decks if d.key == "empty")
    assert (summary.cards, summary.new, summary.last_studied) == (0, 0, None)
    store.reviews.record(ids[0], 5)
    clock.advance(days=1)
    store.reviews.record(ids[0], 2, "repeat")
    reset_card(store, ids[0])
    history = store.cards.history(ids[0])
    assert [(r.kind, r.quality, r.before_repetitions, r.after_repetitions) for r in history] == [
        ("scheduled", 5, 0, 1), ("repeat", 2, 1, 1), ("reset", 0, 1, 0)]
    assert history[0].reviewed_at.tzinfo is not None and history[0].after_due is not None
    assert store.cards.history(ids[1]) == []


def test_a_session_named_in_a_transaction_that_failed_is_not_remembered(store_ids):
    """The log keeps a session's number; a name written in a transaction that rolled back is
    gone, and its number must not be reused for it (another name would take that number)."""
    from trainer.store.study_sessions import session_number

    store, ids = store_ids
    with pytest.raises(RuntimeError), store.transaction() as conn:
        session_number(store, conn, "lost")
        raise RuntimeError("the grade failed")
    store.reviews.record(ids[0], 5, session_id="kept")
    store.reviews.record(ids[1], 5, session_id="lost")
    assert store.cards.history(ids[0])[-1].session_id == "kept"
    assert store.cards.history(ids[1])[-1].session_id == "lost"
    assert store.undo.last_review("kept") is not None
    assert store.cards.state(ids[0]).reviews == 0 and store.cards.state(ids[1]).reviews == 1


def test_building_a_large_queue_runs_no_garbage_collection(tmp_path):
    """Today's queue is tuples of ints and names, which hold no cycles: the collector walked
    them again and again as they piled up (a 364,000-card queue took 0.2 s of collections for
    0.02 s of building; at 36,000, 2 ms for 2). No collection may run while it is built (the
    one the allocations owe may run once it is done)."""
    import gc

    store, _ids = make_store(f"sqlite:///{tmp_path / 't.db'}", 3000)
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        queue = due_queue(store, None, limits=UNLIMITED)
        store.decks.summaries()
    finally:
        gc.callbacks.remove(seen)
    assert len(queue) == 3000
    assert len(collections) <= 2  # one as each call ends; 6 for 3,000 cards before
    store.close()
