from __future__ import annotations

from datetime import date

from tests.helpers import Clock, basic_deck, import_bytes
from trainer.sessions import QuizSession, StudySession
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.queue import due_queue
from trainer.store.replay import rebuild_states


def deck_store(clock=None, url=None):
    """A store with one deck of 25 new cards (more than a day's 20 new)."""
    store = open_store(url, settings=Settings(timezone="UTC"), clock=clock or Clock())
    import_bytes(store, basic_deck("s", 25))
    return store


def test_session_grades_repeats_and_undo(db_url):
    store = deck_store(url=db_url)
    deck = store.decks.find("s")
    s = StudySession(store, deck)
    assert s.counts() == {"new": 20, "review": 0, "repeat": 0}
    first = s.current.card_id
    # below 4 the card comes back today; a 3 also schedules it
    assert s.preview() == {0: "again today", 1: "again today", 2: "again today",
                           3: "1d, again today", 4: "1d", 5: "1d"}
    s.grade(2)  # below 4: comes back after ten other cards, as a repeat
    assert [q.bucket for q in s.queue[:11]] == ["new"] * 10 + ["repeat"]
    assert s.queue[10].card_id == first
    for _ in range(10):
        s.grade(5)
    assert s.current.card_id == first and s.current.bucket == "repeat"
    assert s.preview()[3] == "again today" and s.preview()[4] == "done"
    s.grade(4, answer_ms=1500)  # repeat passed: gone
    assert first not in {q.card_id for q in s.queue}
    # undo back through the repeat and nine more grades
    assert s.undo() and s.current.card_id == first and s.current.bucket == "repeat"
    for _ in range(9):
        assert s.undo()
    assert s.counts()["repeat"] == 1
    summary = s.summary()
    assert summary.answers == 2 and summary.grades[2] == 1 and summary.grades[5] == 1
    assert summary.right_first_time == 0.5  # first answers: 2 (fail) and 5 (pass)
    store.close()


def test_quit_and_resume_brings_back_pending_repeats():
    clock = Clock()
    store = deck_store(clock)
    deck = store.decks.find("s")
    s = StudySession(store, deck)
    failed = s.current.card_id
    s.grade(1)
    s.grade(5)
    store.close()
    store = open_store(settings=Settings(timezone="UTC"), clock=clock)
    again = StudySession(store, deck)
    buckets = {q.card_id: q.bucket for q in again.queue}
    assert buckets[failed] == "repeat"
    assert again.counts() == {"new": 18, "review": 0, "repeat": 1}
    store.close()


def test_suspend_and_bury_leave_the_session_and_the_queue():
    store = deck_store()
    deck = store.decks.find("s")
    s = StudySession(store, deck)
    a = s.current.card_id
    s.suspend()
    b = s.current.card_id
    s.bury()
    assert a not in {q.card_id for q in s.queue} and b not in {q.card_id for q in s.queue}
    fresh = {q.card_id for q in due_queue(store, deck)}
    assert a not in fresh and b not in fresh
    store.close()


def test_summary_next_due():
    clock = Clock()
    store = deck_store(clock)
    deck = store.decks.find("s")
    s = StudySession(store, deck)
    s.grade(5)
    s.grade(5)
    summary = s.summary()
    assert summary.next_due == date(2026, 3, 3) and summary.due_tomorrow == 2
    store.close()


def test_quiz_logs_quiz_rows_and_changes_no_schedule():
    store = deck_store()
    deck = store.decks.find("s")
    quiz = QuizSession(store, deck, n=5, seed=3)
    assert quiz.total == 5
    states = {cid: store.cards.state(cid) for cid in quiz.card_ids}
    for i in range(5):
        quiz.answer(i % 2 == 0, given="x")
    result = quiz.result()
    assert (result.total, result.right, len(result.misses)) == (5, 3, 2)
    assert {cid: store.cards.state(cid) for cid in quiz.card_ids} == states
    assert rebuild_states(store) == 0
    store.close()


async def test_a_quiz_reads_each_question_once_however_many_keys_are_pressed():
    from tests.tui_helpers import make_app, settle

    store = deck_store()
    reads: list[int] = []
    real = store.cards.get

    def counting(card_id: int):
        reads.append(card_id)
        return real(card_id)

    store.cards.get = counting  # type: ignore[method-assign]
    app = make_app(store, load_bundled_decks=False, start="quiz", deck_key="s", quiz_size=3)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("space", "y")
        await settle(pilot)
    assert len(reads) == len(set(reads)) == 3
    store.close()


def _settle_whole_queue(queue, requeued_at, answers):
    """The rule as first written, over the whole queue: what settle must still give."""
    from trainer.rules import REPEAT_GAP

    waiting, out = [], []
    for i, item in enumerate(queue):
        since = requeued_at.get(item.card_id) if item.bucket == "repeat" else None
        needed = REPEAT_GAP - (answers - since) if since is not None else 0
        if needed > 0:
            waiting.append((i, needed, item))
        else:
            out.append(item)
    for i, needed, item in waiting:
        out.insert(min(max(i, needed), len(out)), item)
    return out


def test_settling_only_the_front_gives_the_whole_queue_rule():
    """The same-day repeats' places after a bury or suspend: settling the queue's front
    must give exactly what settling all of it gave (random queues, short and long)."""
    import random

    from trainer.domain.order import settle
    from trainer.store import QueueItem

    rng = random.Random(7)
    for _ in range(3000):
        size = rng.choice([0, 1, 3, 8, 12, 25, 60])
        answers = rng.randint(0, 40)
        ids = rng.sample(range(1, 200), size)
        queue = [QueueItem.of(cid, rng.choice(["review", "new", "repeat", "repeat"]))
                 for cid in ids]
        requeued_at = {q.card_id: rng.randint(max(0, answers - 15), answers)
                       for q in queue if q.bucket == "repeat"}
        for cid in rng.sample(range(200, 260), rng.randint(0, 3)):  # repeats no longer queued
            requeued_at[cid] = rng.randint(max(0, answers - 12), answers)
        assert settle(list(queue), requeued_at, answers) == _settle_whole_queue(
            list(queue), requeued_at, answers)
