"""The study screen's database work: grades, reads and checkpoints off the UI thread, in order,
and no key typed meanwhile lost."""

from __future__ import annotations

import sqlite3

from tests.helpers import basic_deck, import_bytes
from tests.tui_helpers import DATA, make_app, settle, store_with
from trainer.tui.screens.study import StudyScreen
from trainer.tui.screens.summary import SummaryScreen


def reviews_ids(store) -> list[int]:
    with store.reading() as conn:
        from sqlalchemy import text

        return list(conn.execute(text("SELECT card_id FROM review ORDER BY id")).scalars())


async def test_the_log_is_folded_in_after_a_pause_in_grading_not_inside_a_grade(
        _isolated_home, monkeypatch):
    """Checkpoints run in a worker once the student pauses, never as part of a grade."""
    import trainer.store

    # The pause is the test's to give: a timer that fired by itself after a second came
    # between two grades on a loaded machine. Each grade arms the idle timer (the earlier
    # one stopped); the test fires the last one.
    pause_s = 3600.0
    monkeypatch.setattr(StudyScreen, "CHECKPOINT_AFTER_IDLE_S", pause_s)
    monkeypatch.setattr(trainer.store, "CHECKPOINT_EVERY", 2)
    armed: list[tuple[object, object]] = []
    stopped: list[object] = []
    real_set_timer = StudyScreen.set_timer

    def set_timer(screen, delay, callback=None, **kw):
        timer = real_set_timer(screen, delay, callback, **kw)
        if delay == pause_s:
            real_stop = timer.stop
            timer.stop = lambda: stopped.append(timer) or real_stop()
            armed.append((timer, callback))
        return timer

    monkeypatch.setattr(StudyScreen, "set_timer", set_timer)
    store = store_with()
    import_bytes(store, basic_deck("d", 5))
    checkpoints: list[int] = []
    real = store.checkpoint
    monkeypatch.setattr(store, "checkpoint", lambda: checkpoints.append(1) or real())
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        for _ in range(2):
            await pilot.press("space", "4")
            assert checkpoints == []  # a grade does not wait for one
        await settle(pilot)
        assert len(reviews_ids(store)) == 2
        assert checkpoints == [] and armed  # it waits for a pause
        assert [t for t, _ in armed[:-1]] == stopped  # a grade puts the pause off
        armed[-1][1]()  # the pause
        await app.workers.wait_for_complete()
        assert checkpoints == [1]  # one after the pause, not one per grade


def test_a_checkpoint_folds_the_graded_answers_into_the_database(tmp_path):
    from trainer.store import CHECKPOINT_EVERY

    store = store_with(url=f"sqlite:///{tmp_path / 'c.db'}")
    import_bytes(store, basic_deck("d", CHECKPOINT_EVERY + 1))
    store.checkpoint()
    cards = store.cards.in_play(None)
    for card in cards[:CHECKPOINT_EVERY - 1]:
        store.reviews.record(card, 4)
    assert not store.wants_checkpoint()  # the log file's space is reused until then
    store.reviews.record(cards[CHECKPOINT_EVERY], 4)
    assert store.wants_checkpoint()
    assert store.checkpoint() is True
    assert not store.wants_checkpoint()
    con = sqlite3.connect(tmp_path / "c.db")
    try:  # everything is in the log's copy already: nothing left to copy
        busy, logged, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and copied == logged
    finally:
        con.close()
    store.close()


async def test_a_session_does_its_database_work_off_the_ui_thread(_isolated_home, monkeypatch):
    """Today's plan, grades, undo, the next cards' reads and the summary run in a thread;
    keys pressed meanwhile wait for the card they are meant for."""
    import threading

    from trainer.store.options import set_deck_options

    store = store_with()
    import_bytes(store, basic_deck("d", 40))
    set_deck_options(store, store.decks.find("d").id, new_per_day=40)
    on_ui: list[str] = []
    for part, name in ((store.queue, "planned"), (store.queue, "plan"), (store.queue, "siblings"),
                       (store.reviews, "record"), (store.cards, "showing"),
                       (store.cards, "showing_many"), (store.undo, "last_review"),
                       (store.queue, "next_due")):
        real = getattr(part, name)

        def spy(*a, _real=real, _name=name, **k):
            if threading.current_thread() is threading.main_thread():
                on_ui.append(_name)
            return _real(*a, **k)

        monkeypatch.setattr(part, name, spy)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        for _ in range(15):
            await pilot.press("space", "4", "space", "5")  # no pause between cards
        await pilot.press("ctrl+z")  # the last grade taken back: its card shows again
        await settle(pilot)
        assert len(reviews_ids(store)) == 29
        for _ in range(11):  # past the read-ahead of 32
            await pilot.press("space", "4")
        await settle(pilot)
        assert len(reviews_ids(store)) == 40 and len(set(reviews_ids(store))) == 40
        assert isinstance(app.screen, SummaryScreen)
        assert on_ui == []


async def test_a_typed_answer_started_while_the_grade_saves_loses_no_key():
    """Keys typed while the last grade was saving wait for the typed card they are meant
    for: the first one went to the screen, which dropped it ("1951" arrived as "951")."""
    import time as _time

    from textual.widgets import Input

    from tests.tui_helpers import store_with
    from trainer.tui.screens.study import StudyScreen

    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="snap")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        grade = screen.session.grade

        def slow_grade(*args, **kw):  # a busy machine: the save takes a while
            _time.sleep(0.3)
            return grade(*args, **kw)

        screen.session.grade = slow_grade
        await pilot.press("space", "5", "1", "9", "5", "1")
        await settle(pilot)
        assert screen.view.kind == "typed"
        assert screen.query_one("#typed", Input).value == "1951"
    store.close()
