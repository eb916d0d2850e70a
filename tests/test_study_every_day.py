"""Study every day: one plan for the deck list and the session, siblings, a log that rebuilds
every state, the summary (undo, options, leeches: test_study_actions.py). Each test names
the problem a student met."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable

from tests.helpers import Clock, basic_deck, import_bytes, import_files
from tests.tui_helpers import make_app, settle
from trainer.sessions import StudySession
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.queue import due_queue
from trainer.store.replay import rebuild_states, replayed_states
from trainer.tui.screens.study import StudyScreen

UTC = Settings(timezone="UTC")
ANKI = Path(__file__).parent / "data" / "anki" / "current.apkg"

CLOZES = b"""schema_version = 1
[deck]
id = "c"
name = "Clozes"

[[cards]]
id = "three"
kind = "cloze"
text = "{{c1::Mao}} met {{c2::Stalin}} in {{c3::1949}}."

[[cards]]
id = "two"
kind = "cloze"
text = "The {{c1::Amur}} and the {{c2::Ussuri}} mark the border."
""" + b"".join(
    f'\n[[cards]]\nid = "b{i}"\nkind = "basic"\nprompt = "q{i}"\nanswer = "a{i}"\n'.encode()
    for i in range(4))


def two_decks(clock: Clock | None = None, settings: Settings = UTC, url: str | None = None):
    store = open_store(url, settings=settings, clock=clock or Clock())
    import_bytes(store, basic_deck("one", 25, "Deck one"))
    import_bytes(store, basic_deck("two", 25, "Deck two"))
    return store


def row(table: DataTable, key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


# -- 1. "Study all" studies what the list promises -------------------------------------------

async def test_study_all_studies_exactly_what_the_all_decks_row_says():
    store = two_decks()
    session = StudySession(store, store.decks.find("one"))
    for _ in range(20):
        session.grade(5)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert row(table, "one")[1] == "0" and row(table, "two")[1] == "20"
        assert row(table, "__total__")[1] == "20"  # it said 100 on day one, then 20 of 40
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert app.screen.session.counts() == {"new": 20, "review": 0, "repeat": 0}
    store.close()


def test_the_list_and_the_session_agree_after_buries_suspends_and_study_more(db_url):
    store = two_decks(url=db_url)
    one = store.decks.find("one")
    session = StudySession(store, one)
    session.bury()
    session.suspend()
    session.grade(5)
    # the session that buried and suspended says what the deck list says (it said 2 fewer)
    row_one = store.decks.summaries().decks[0]
    assert session.counts() == {"new": row_one.new, "review": row_one.due,
                                "repeat": row_one.repeat} == {"new": 19, "review": 0,
                                                               "repeat": 0}
    session.undo()  # the grade
    session.undo()  # the suspension: the card is back, and the plan is 20 again
    assert session.counts()["new"] == store.decks.summaries().decks[0].new == 20
    session.grade(5)
    store.options.study_more(one.id, new=3)
    overview = store.decks.summaries()
    for deck in overview.decks:
        counts = StudySession(store, store.decks.find(deck.key)).counts()
        assert counts == {"new": deck.new, "review": deck.due, "repeat": deck.repeat}
    together = StudySession(store, None).counts()
    assert together == {"new": overview.new, "review": overview.due, "repeat": overview.repeat}
    assert overview.decks[0].new == 20 + 3 - 1  # limit, more today, one introduced
    store.close()


def test_a_day_never_introduces_more_new_cards_than_the_limit():
    store = two_decks()
    one = store.decks.find("one")
    session = StudySession(store, one)
    while not session.finished:
        session.bury() if len(session.history) % 5 == 4 else session.grade(5)
        if len(session.history) % 7 == 6:
            session.suspend() if not session.finished else None
    for _ in range(3):  # reopening the deck the same day
        session = StudySession(store, one)
        while not session.finished:
            session.grade(5)
    with store.reading() as conn:
        from sqlalchemy import func, select

        from trainer.store.schema import review_t

        new_today = conn.execute(select(func.count()).where(
            review_t.c.kind == "scheduled", review_t.c.maturity == "new")).scalar()
    untouched = sum(1 for c in store.cards.of_deck(one.id)
                    if store.cards.state(c.id).due is None and not store.cards.state(c.id).suspended
                    and store.cards.state(c.id).buried_until is None)
    assert new_today == 20 or (new_today < 20 and untouched == 0)  # the limit, or every card
    assert new_today <= 20
    store.close()


def test_the_overall_limit_applies_last():
    capped = Settings(timezone="UTC", max_per_day=30)
    store = two_decks(settings=capped)
    overview = store.decks.summaries()
    assert [d.new for d in overview.decks] == [20, 20]  # each deck alone
    assert overview.new == 30  # both together
    assert StudySession(store, None).counts()["new"] == 30
    store.close()


# -- 2. siblings ---------------------------------------------------------------------------

def test_siblings_never_follow_each_other_and_answering_one_buries_the_others(db_url):
    clock = Clock()
    store = open_store(db_url, settings=UTC, clock=clock)
    import_bytes(store, CLOZES)
    session = StudySession(store, store.decks.find("c"))
    keys = {c.id: c.key for c in store.cards.of_deck(store.decks.find("c").id)}
    order = [keys[q.card_id].split("#")[0] for q in session.queue]
    assert all(a != b for a, b in itertools.pairwise(order)), order
    first = session.current
    graded = session.grade(5)
    note = keys[first.card_id].split("#")[0]
    siblings = [cid for cid, key in keys.items() if key.startswith(note + "#")
                and cid != first.card_id]
    assert set(graded.buried) == set(siblings)
    assert not {q.card_id for q in session.queue} & set(siblings)
    assert all(store.cards.state(cid).buried_until is not None for cid in siblings)
    clock.advance(days=1)
    # tomorrow the answered card is due: its review comes, and its new siblings wait for a
    # day without it (one card of a note a day, the review first, as Anki gathers them)
    tomorrow = {q.card_id for q in due_queue(store, store.decks.find("c"))}
    assert first.card_id in tomorrow and not set(siblings) & tomorrow
    store.close()


def test_both_directions_of_an_anki_note_are_siblings(_isolated_home):
    store = open_store(settings=UTC, clock=Clock())
    import_files(store, ANKI)
    cards = [c for d in ("geography", "geography-capitals", "history")
             for c in store.cards.of_deck(store.decks.find(d).id)]
    notes: dict[str, list[int]] = {}
    for card in cards:
        notes.setdefault(card.entry, []).append(card.id)
    pair = next(ids for ids in notes.values() if len(ids) == 2)
    assert store.queue.siblings(set(pair)) == {pair[0]: store.queue.siblings(set(pair))[pair[0]],
                                               pair[1]: store.queue.siblings(set(pair))[pair[0]]}
    store.close()


def test_burying_siblings_follows_the_deck_options():
    store = open_store(settings=UTC, clock=Clock())
    import_bytes(store, CLOZES)
    deck = store.decks.find("c")
    store.options.set(deck.id, bury_new_siblings=False)
    session = StudySession(store, deck)
    assert session.grade(5).buried == ()
    store.close()


# -- the log rebuilds every state ----------------------------------------------------------

ACTIONS = st.lists(st.tuples(st.sampled_from(["grade", "grade", "grade", "suspend", "bury",
                                              "unsuspend", "unbury", "undo", "day"]),
                             st.integers(0, 7), st.integers(0, 5)), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_replaying_the_log_gives_the_stored_states(tmp_path_factory, actions):
    clock = Clock()
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('h') / 't.db'}", settings=UTC,
                       clock=clock)
    import_bytes(store, CLOZES)
    deck = store.decks.find("c")
    store.options.set(deck.id, leech_lapses=2)
    ids = [c.id for c in store.cards.of_deck(deck.id)]
    for kind, which, quality in actions:
        cid = ids[which % len(ids)]
        if kind == "grade":
            store.reviews.record(cid, quality, session_id="s")
        elif kind == "undo":
            store.undo.last_review("s")
        elif kind == "day":
            clock.advance(days=1)
        elif kind == "suspend":
            store.cards.suspend(cid, session_id="s")
        elif kind == "bury":
            store.cards.bury_until_tomorrow(cid, session_id="s")
        else:  # the way back is the browser's and the CLI's
            store.cards.change_many([cid], kind, session_id="s")
        clock.advance(minutes=7)
    stored = {c: store.cards.state(c) for c in ids}
    with store.reading() as conn:
        replayed = replayed_states(conn)
    for c in ids:
        s = stored[c]
        assert replayed[c][:-1] == (s.repetitions, s.easiness_x100, s.interval, s.due,
                                    s.reviews, s.lapses, s.stability, s.difficulty,
                                    s.suspended, s.buried_until)
    assert rebuild_states(store) == 0
    store.close()


# -- the summary speaks of what was studied ------------------------------------------------

def test_a_parents_summary_counts_tomorrow_in_its_own_decks_and_says_what_is_left_today():
    clock = Clock()
    store = open_store(settings=UTC, clock=clock)
    import_bytes(store, basic_deck("kids-a", 3, "Kids::A"))
    import_bytes(store, basic_deck("kids-b", 3, "Kids::B"))
    import_bytes(store, basic_deck("other", 5, "Other"))

    def study_all(key: str) -> None:  # every card answered 4: due tomorrow
        session = StudySession(store, store.decks.find(key))
        while not session.finished:
            session.view()
            session.grade(4)

    study_all("kids-a")
    study_all("kids-b")
    clock.advance(days=1)
    study_all("other")  # due tomorrow, outside the parent
    ids = (store.decks.find("kids-a").id, store.decks.find("kids-b").id)
    session = StudySession(store, None, subdecks=ids)
    assert sum(session.counts().values()) == 6
    session.view()
    session.grade(5)
    summary = session.summary()
    assert summary.left_today == 5  # ended early: five still due today, not "next due" later
    assert summary.due_tomorrow == 0  # the other deck's five are not this session's
    store.close()


NOTES = CLOZES + b"""
[[cards]]
id = "pair-front"
kind = "basic"
note = "pair"
prompt = "Amur"
answer = "a river"

[[cards]]
id = "pair-back"
kind = "basic"
note = "pair"
prompt = "a river on the border"
answer = "Amur"
"""


async def test_three_days_in_the_app_each_study_what_the_deck_list_promised():
    """A deck of cloze notes and a reversed pair, studied in the app on three days: each day
    the deck list's New + Due is what studying the deck gives (it promised siblings that the
    first answer then buried), and no due review waits for a new sibling."""
    from trainer.tui.screens.summary import SummaryScreen

    clock = Clock()
    store = open_store(settings=UTC, clock=clock)
    import_bytes(store, NOTES)
    for day in range(3):
        app = make_app(store, load_bundled_decks=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            new, due, repeat = (int(x) for x in row(table, "c")[1:4])
            promised = new + due + repeat
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, StudyScreen)
            session = app.screen.session
            assert sum(session.counts().values()) == promised
            shown: set[int] = set()
            while isinstance(app.screen, StudyScreen):
                item = session.current
                shown.add(item.card_id)
                was_new = item.bucket == "new"
                await pilot.press("space")
                await pilot.press("5" if day or len(shown) % 3 else "2")
                await settle(pilot)
                if was_new:  # a new card's answer buries no due review
                    graded = [a for a in session.history if a.item.card_id == item.card_id]
                    assert not [e for _, e in graded[-1].removed if e.bucket == "review"]
            assert isinstance(app.screen, SummaryScreen)
            assert len(shown) == promised, f"day {day}: promised {promised}, gave {len(shown)}"
        clock.advance(days=1)
    store.close()
