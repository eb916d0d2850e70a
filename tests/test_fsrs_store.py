"""FSRS in the store: a deck switched to it is graded by it, the grade keys show its intervals,
undo is exact, replaying the log rebuilds every state across switches, and switching back to
SM-2 gives back the SM-2 states."""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import timedelta

import pytest
from helpers import Clock, make_store

from trainer.scheduler import fsrs
from trainer.scheduler.sm2 import SM2State
from trainer.sessions.study import StudySession
from trainer.store.errors import UndoRefused
from trainer.store.replay import REPLAYED, rebuild_states, replayed_states
from trainer.store.reviews import reset_card, set_state
from trainer.store.scheduling import param_sets


def _states(store, ids):
    return [tuple(getattr(store.cards.state(c), f) for f in REPLAYED) for c in ids]


def test_a_deck_switched_to_fsrs_is_graded_by_fsrs(db_url):
    clock = Clock()
    store, ids = make_store(db_url, 3, clock)
    deck = store.decks.find("d")
    switched = store.options.switch_scheduler(deck.id, "fsrs")
    assert (switched.scheduler, switched.changed) == ("fsrs", 0)  # new cards: nothing to do
    store.reviews.record(ids[0], 4)
    first, interval = fsrs.review(fsrs.FSRSState(), 4, 0)
    s = store.cards.state(ids[0])
    assert (s.stability, s.difficulty, s.interval) == (first.stability, first.difficulty,
                                                      interval)
    assert s.due == store.today() + timedelta(days=interval)
    # reviewed again when due: FSRS counts the days since
    clock.advance(days=interval)
    store.reviews.record(ids[0], 3)
    second, interval2 = fsrs.review(first, 3, interval)
    s = store.cards.state(ids[0])
    assert (s.stability, s.interval, s.repetitions, s.reviews) == (
        second.stability, interval2, 2, 2)
    # the log names the parameter set FSRS scheduled with, and the memory around the grade
    rows = store.cards.history(ids[0])
    (used,) = {r.params_id for r in rows}
    assert used is not None
    assert param_sets(store)[0].weights == fsrs.DEFAULT_WEIGHTS
    assert (rows[-1].before_stability, rows[-1].after_stability) == (first.stability,
                                                                     second.stability)
    # a deck still on SM-2 writes none
    store.options.switch_scheduler(deck.id, "sm2")
    store.reviews.record(ids[1], 4)
    assert store.cards.history(ids[1])[-1].params_id is None
    store.close()


def test_grade_keys_show_fsrs_intervals_and_undo_is_exact(db_url):
    clock = Clock()
    store, _ = make_store(db_url, 2, clock)
    deck = store.decks.find("d")
    store.options.set(deck.id, desired_retention=0.8)
    store.options.switch_scheduler(deck.id, "fsrs")
    session = StudySession(store, deck)
    session.view()
    labels = session.preview()
    params = fsrs.FSRSParams(desired_retention=0.8)
    expected = {q: d for q, (_, d) in fsrs.preview(fsrs.FSRSState(), 0, params).items()}
    from trainer.render.words import interval

    assert labels == {q: (f"{interval(d)}, again today" if q < 4 else interval(d))
                      for q, d in expected.items()}
    assert labels[5] != labels[4]
    before = store.cards.state(session.current.card_id)
    session.grade(5)
    assert store.cards.state(before.card_id).stability == fsrs.review(
        fsrs.FSRSState(), 5, 0, params)[0].stability
    session.undo()
    assert store.cards.state(before.card_id) == before
    store.close()


def test_replay_rebuilds_states_across_switches_and_back(db_url):
    clock = Clock()
    rng = random.Random(7)
    store, ids = make_store(db_url, 8, clock)
    deck = store.decks.find("d")
    for round_ in range(4):
        for _ in range(25):
            cid = rng.choice(ids)
            action = rng.random()
            if action < 0.75:
                store.reviews.record(cid, rng.randint(0, 5), session_id="s")
            elif action < 0.85:
                # a grade from before a switch cannot be undone: the switch depends on it
                with suppress(UndoRefused):
                    store.undo.last_review("s")
            elif action < 0.9:
                set_state(store, cid, SM2State(3, 2.1, 12), store.today() + timedelta(days=3),
                          kind="import", reviews=4, lapses=1)
            else:
                reset_card(store, cid)
            clock.advance(hours=rng.randint(5, 60))
        store.options.switch_scheduler(deck.id, "fsrs" if round_ % 2 == 0 else "sm2")
    with store.reading() as conn:
        replayed = replayed_states(conn, store.settings)
    assert [replayed[c] for c in ids] == _states(store, ids)
    assert rebuild_states(store) == 0
    store.close()


def test_switching_to_fsrs_and_back_gives_back_the_sm2_states(db_url):
    clock = Clock()
    rng = random.Random(3)
    store, ids = make_store(db_url, 6, clock)
    deck = store.decks.find("d")
    for _ in range(40):
        store.reviews.record(rng.choice(ids), rng.choice([1, 3, 4, 5]))
        clock.advance(days=rng.randint(1, 9))
    sm2_states = [store.cards.state(c) for c in ids]
    to_fsrs = store.options.switch_scheduler(deck.id, "fsrs")
    assert to_fsrs.changed == to_fsrs.studied == sum(s.reviews > 0 for s in sm2_states)
    fsrs_states = [store.cards.state(c) for c in ids]
    assert all(s.stability is not None for s in fsrs_states if s.reviews)
    assert [s.interval for s in fsrs_states] != [s.interval for s in sm2_states]
    assert store.options.of(deck.id).scheduler == "fsrs"
    assert store.options.switch_scheduler(deck.id, "sm2").scheduler == "sm2"
    assert [(s.repetitions, s.easiness_x100, s.interval, s.due) for s in
            (store.cards.state(c) for c in ids)] == [
        (s.repetitions, s.easiness_x100, s.interval, s.due) for s in sm2_states]
    # and again: FSRS's memory worked out from the same history is the same
    store.options.switch_scheduler(deck.id, "fsrs")
    assert [store.cards.state(c).stability for c in ids] == [s.stability for s in fsrs_states]
    store.close()


def test_an_unknown_scheduler_or_retention_is_refused(db_url):
    store, _ = make_store(db_url, 1)
    deck = store.decks.find("d")
    with pytest.raises(ValueError, match="sm2 or fsrs"):
        store.options.switch_scheduler(deck.id, "sm18")
    with pytest.raises(ValueError, match=r"0\.70 to 0\.99"):
        store.options.set(deck.id, desired_retention=0.5)
    assert store.options.of(deck.id).scheduler == "sm2"
    store.close()


async def test_in_the_app_a_deck_switched_to_fsrs_shows_fsrs_intervals_and_switches_back():
    """The options dialog switches the deck; the grade keys then show FSRS's intervals for
    each grade; switching back leaves the SM-2 states as they were."""
    from textual.widgets import Select

    from tests.tui_helpers import make_app, settle, until
    from trainer.domain.answer import fsrs_intervals
    from trainer.render.words import interval
    from trainer.store import open_store
    from trainer.tui.screens.study import StudyScreen
    from trainer.tui.widgets.dialogs import ConfirmModal
    from trainer.tui.widgets.grade_button import GradeButton

    clock = Clock()
    store = open_store(None, clock=clock)
    from helpers import basic_deck, import_bytes

    import_bytes(store, basic_deck("one", 4, "Deck one"))
    deck = store.decks.find("one")
    studied = store.cards.of_deck(deck.id)[0].id
    store.reviews.record(studied, 4)
    clock.advance(days=1)
    sm2_state = store.cards.state(studied)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#scheduler", Select).value = "fsrs"
        app.screen.query_one("#desired_retention").value = "0.85"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")  # the switch said what it does and asked
        await settle(pilot)
        assert store.options.of(deck.id).scheduler == "fsrs"
        assert store.cards.state(studied).stability is not None
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        await pilot.press("space")
        await settle(pilot)
        shown = store.cards.state(screen.session.current.card_id)
        expected = fsrs_intervals(shown, store.today(), fsrs.FSRSParams(desired_retention=0.85),
                                  store.settings)
        labels = {b.quality: str(b.label) for b in screen.query(GradeButton)}
        assert interval(expected[5]) in labels[5] and interval(expected[4]) in labels[4]
        assert expected[5] > expected[4]
        await pilot.press("escape")
        await settle(pilot)
    store.options.switch_scheduler(deck.id, "sm2")
    back = store.cards.state(studied)
    assert (back.repetitions, back.easiness_x100, back.interval, back.due) == (
        sm2_state.repetitions, sm2_state.easiness_x100, sm2_state.interval, sm2_state.due)
    store.close()


async def test_the_statistics_scheduler_tab_simulates_both_schedulers():
    from helpers import basic_deck, import_bytes

    from tests.tui_helpers import make_app, settle
    from trainer.store import open_store

    clock = Clock()
    store = open_store(None, clock=clock)
    import_bytes(store, basic_deck("one", 30, "Deck one"))
    for card in store.cards.of_deck(store.decks.find("one").id)[:10]:
        store.reviews.record(card.id, 4)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        pane = app.screen.query_one("#stats-scheduler")
        shown = str(pane.render())
        assert "The next 60 days" in shown and "30 cards, 20 new" in shown
        assert "Reviews a day, SM-2" in shown and "Reviews a day, FSRS at 0.90" in shown
        assert "desired retention of 0." in shown
        assert pane.size.width > 80
    store.close()


@pytest.mark.parametrize("fails", ["switch_scheduler", "set_deck_options"])
async def test_a_save_the_database_refuses_in_the_options_dialog_is_a_line_not_a_crash(
        monkeypatch, fails):
    """A full disk while the options dialog saves (the scheduler switch runs in a thread):
    the dialog says so in one line and stays open, the app runs on, nothing changed."""
    from helpers import basic_deck, import_bytes
    from textual.widgets import Select, Static

    from tests.tui_helpers import make_app, settle, until
    from trainer.store import open_store
    from trainer.store.errors import CouldNotSave
    from trainer.tui.screens.deck_options import DeckOptionsScreen
    from trainer.tui.widgets.dialogs import ConfirmModal

    store = open_store(None, clock=Clock())
    import_bytes(store, basic_deck("one", 4, "Deck one"))
    deck = store.decks.find("one")

    def refuse(*_args, **_kwargs):
        raise CouldNotSave("could not save: the disk is full")

    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        monkeypatch.setattr(store.options, {"switch_scheduler": "switch_scheduler",
                                            "set_deck_options": "set"}[fails], refuse)
        app.screen.query_one("#scheduler", Select).value = "fsrs"
        app.screen.query_one("#new_per_day").value = "7"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")  # the switch said what it does and asked
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, DeckOptionsScreen)
        problem = str(app.screen.query_one("#options-problem", Static).render())
        assert "could not save: the disk is full" in problem
        monkeypatch.undo()
    assert store.options.of(deck.id).scheduler == "sm2"
    if fails == "set_deck_options":
        assert store.options.of(deck.id).new_per_day != 7
    store.close()


def _state(due, interval, last_reviewed=None):
    from trainer.store.records import CardState

    return CardState(1, 3, 250, interval, due, 3, 0, last_reviewed=last_reviewed)


@pytest.mark.parametrize(("due", "interval", "last_reviewed", "last_day", "elapsed"), [
    # an imported state has no last review: its interval started on due - interval
    (10, 10, None, 0, 13),
    (13, 6, None, 7, 6),
    (16, 3, None, 13, 0),  # not yet due: the days since its interval started
    (20, 3, None, 17, 0),  # a due day after today's: never fewer than 0 days
    # a reviewed card counts from its own last review (study day 5 here), whatever its due
    (10, 10, 5, 5, 8),
    # a new card (no due day, no interval) has none
    (None, 0, None, None, 0),
])
def test_fsrs_elapsed_days_table(due, interval, last_reviewed, last_day, elapsed):
    """FSRS's elapsed days on study day 13 (days counted from 1 March 2026, London)."""
    from datetime import date, datetime

    from tests.helpers import LONDON
    from trainer.store.scheduling import elapsed_days, last_review_day

    def day(n):
        return None if n is None else date(2026, 3, 1) + timedelta(days=n)

    reviewed = (None if last_reviewed is None
                else datetime.combine(day(last_reviewed), datetime.min.time()).replace(
                    hour=12, tzinfo=LONDON.tzinfo()))
    state = _state(day(due), interval, reviewed)
    assert last_review_day(state, LONDON) == day(last_day)
    assert elapsed_days(state, day(13), LONDON) == elapsed


def test_an_imported_card_is_graded_by_fsrs_from_the_start_of_its_interval(db_url):
    """A card imported with a 10-day interval, due 3 days ago, was last reviewed 13 days
    ago: FSRS grades it with 13 elapsed days (the README's rule), not 0, 3 or 10."""
    clock = Clock()
    store, ids = make_store(db_url, 1, clock)
    deck = store.decks.find("d")
    store.options.switch_scheduler(deck.id, "fsrs")
    today = store.today()
    set_state(store, ids[0], SM2State(3, 2.5, 10), today - timedelta(days=3), kind="import",
              reviews=3)
    assert store.cards.state(ids[0]).last_reviewed is None
    params = store.scheduling.deck_params(deck.id)
    memory = fsrs.from_sm2(2.5, 10, params)
    outcomes = {days: fsrs.review(memory, 3, days, params) for days in (0, 3, 10, 13)}
    assert len({after.stability for after, _ in outcomes.values()}) == 4  # each differs
    store.reviews.record(ids[0], 3)
    after, interval = outcomes[13]
    s = store.cards.state(ids[0])
    assert (s.stability, s.interval) == (after.stability, interval)
    store.close()
