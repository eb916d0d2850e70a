"""Two windows on one database: one studies, the other reads; whatever interleaves, the log
stays the truth and no card is scheduled twice in a day."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from textual.widgets import Static

from tests.helpers import Clock, basic_deck, import_bytes
from tests.tui_helpers import make_app, settle
from trainer.sessions import StudySession
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.errors import ChangedElsewhere, UndoRefused
from trainer.store.replay import rebuild_states
from trainer.store.schema import review_t
from trainer.tui.screens.deck_list import DeckListScreen
from trainer.tui.screens.study import StudyScreen

UTC = Settings(timezone="UTC")


def two_sessions(url: str | None = None):
    clock = Clock()
    first = open_store(url, settings=UTC, clock=clock)
    import_bytes(first, basic_deck("w", 6))
    second = open_store(url, settings=UTC, clock=clock)
    deck = first.decks.find("w")
    return first, second, StudySession(first, deck), StudySession(second, deck), clock


def scheduled_twice_a_day(store) -> int:
    with store.reading() as conn:
        twice = (select(review_t.c.card_id).where(review_t.c.kind == "scheduled")
                 .group_by(review_t.c.card_id, review_t.c.study_day)
                 .having(func.count() > 1).subquery())
        return conn.execute(select(func.count()).select_from(twice)).scalar()


def test_the_same_card_graded_in_two_windows_is_recorded_once(db_url):
    first, second, a, b, _ = two_sessions(db_url)
    assert a.view().card_id == b.view().card_id  # both show the first new card
    a.grade(5)
    with pytest.raises(ChangedElsewhere,
                       match=r"changed elsewhere \(graded\); showing the next card"):
        b.grade(5)
    assert b.current is not None and b.current.card_id != a.history[0].item.card_id
    assert scheduled_twice_a_day(first) == 0 and rebuild_states(first) == 0
    first.close()
    second.close()


def test_a_card_read_ahead_and_graded_elsewhere_before_it_shows_is_refused(db_url):
    """A session reads its next cards ahead; one the other window grades meanwhile is
    refused when it comes up, never graded twice in a day."""
    first, second, a, b, _ = two_sessions(db_url)
    a.view()  # a reads its next cards ahead, the second among them
    later = a.queue[1].card_id
    while b.current.card_id != later:
        b.queue.pop(0)
    b.view()
    b.grade(4)
    a.grade(5)
    assert a.view().card_id == later  # shown from what was read ahead
    with pytest.raises(ChangedElsewhere):
        a.grade(5)
    assert scheduled_twice_a_day(first) == 0 and rebuild_states(first) == 0
    first.close()
    second.close()


def test_undo_never_reverts_a_review_a_later_one_depends_on(db_url):
    first, second, a, b, clock = two_sessions(db_url)
    card = a.view().card_id
    a.grade(2)  # new card failed: it stays new-ish, due tomorrow
    clock.advance(days=1)
    b.reload()
    while b.current.card_id != card:
        b.queue.pop(0)
    b.view()
    b.grade(5)  # the next day, the other window grades it again, from a's after-state
    with pytest.raises(UndoRefused, match="cannot undo"):
        a.undo()
    assert rebuild_states(first) == 0
    first.close()
    second.close()


async def test_a_second_window_names_the_first_and_cannot_grade(_isolated_home):
    store = open_store(settings=UTC, clock=Clock())
    import_bytes(store, basic_deck("w", 3))
    first = make_app(store, load_bundled_decks=False)
    async with first.run_test(size=(100, 30)) as pilot_one:
        await settle(pilot_one)
        assert not first.read_only
        other = open_store(settings=UTC, clock=Clock())
        second = make_app(other, load_bundled_decks=False)
        async with second.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert second.read_only
            title = str(second.screen.query_one("#decks-title", Static).render())
            assert "read-only: another window (process" in title
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(second.screen, DeckListScreen)  # no study screen
            assert any("Cannot study here" in str(n.message) for n in second._notifications)
        other.close()
        await pilot_one.press("enter")
        await settle(pilot_one)
        assert isinstance(first.screen, StudyScreen)
    # once the first window is gone, a new one studies
    third = make_app(store, load_bundled_decks=False)
    async with third.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not third.read_only
    store.close()


ACTION = st.tuples(st.sampled_from(["a", "b"]),
                   st.sampled_from(["grade", "grade", "grade", "suspend", "bury", "undo", "day"]),
                   st.integers(0, 5))


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(ACTION, min_size=1, max_size=40))
def test_two_sessions_interleaving_keep_the_log_the_truth(db_url, actions):
    if not db_url.startswith("sqlite"):
        from tests.conftest import empty_external

        empty_external(db_url)
    else:
        import os

        path = db_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    first, second, a, b, clock = two_sessions(db_url)
    try:
        _interleave({"a": a, "b": b}, actions, clock)
        assert scheduled_twice_a_day(first) == 0
        assert rebuild_states(first) == 0
    finally:
        first.close()
        second.close()


def _interleave(sessions, actions, clock) -> None:
    for who, what, quality in actions:
        session = sessions[who]
        try:
            if what == "day":
                clock.advance(days=1)
                for s in sessions.values():
                    s.reload()
            elif session.finished:
                continue
            elif what == "grade":
                session.view()
                session.grade(quality)
            elif what == "suspend":
                session.suspend()
            elif what == "bury":
                session.bury()
            else:
                session.undo()
        except (ChangedElsewhere, UndoRefused):
            pass
        clock.advance(minutes=3)


def test_a_card_an_import_pruned_while_a_session_showed_it_keeps_its_grade(_isolated_home,
                                                                          tmp_path):
    """--prune retires, as the browser's delete does (it once deleted the card with its
    history, and the grade was refused): the answer given to the card on screen is kept in
    its history, the card stays retired, and the session goes on."""
    first, second, a, _b, _ = two_sessions()
    removed = a.view().card_id
    smaller = tmp_path / "w.toml"
    smaller.write_bytes(basic_deck("w", 6).replace(b'id = "w0"', b'id = "x0"'))
    from trainer.cli import main

    assert main(["import", str(smaller), "--prune", "--yes"]) == 0  # w0 is retired
    a.grade(5)
    assert first.cards.is_retired(removed) and len(first.cards.history(removed)) == 1
    assert removed not in {q.card_id for q in a.queue}
    a.view()
    a.grade(5)  # the next card is graded as usual
    first.close()
    second.close()


def test_a_database_file_deleted_or_replaced_under_a_session_is_noticed(tmp_path):
    import shutil

    from trainer.store.errors import CouldNotSave

    db = tmp_path / "t.db"
    store = open_store(str(db), settings=UTC, clock=Clock())
    import_bytes(store, basic_deck("f", 3))
    session = StudySession(store, store.decks.find("f"))
    session.view()
    session.grade(5)
    shutil.copy(db, tmp_path / "copy.db")
    db.unlink()  # answers would go to a file nobody can open again
    session.view()
    with pytest.raises(CouldNotSave, match="moved, deleted or replaced"):
        session.grade(5)
    shutil.copy(tmp_path / "copy.db", db)  # a different file under the same name
    with pytest.raises(CouldNotSave, match="moved, deleted or replaced"):
        session.grade(5)
    store.close()


def test_a_lost_server_connection_is_retried_once(db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("a server connection: PostgreSQL only")
    first, second, a, _b, _ = two_sessions(db_url)
    a.view()
    a.grade(5)
    with second.transaction() as conn:  # the server drops the first window's connection
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    a.view()
    a.grade(4)  # no message: retried on a fresh connection
    assert len([x for x in a.history if x.kind == "grade"]) == 2
    assert rebuild_states(first) == 0
    first.close()
    second.close()


@pytest.mark.parametrize(("change", "word"), [
    (lambda store, cid: store.cards.suspend(cid, session_id="cli-suspend"), "suspended"),
    (lambda store, cid: store.cards.bury_until_tomorrow(cid), "buried"),
])
def test_a_card_changed_by_another_command_while_shown_says_what_happened(db_url, change,
                                                                          word):
    first, second, a, _, _ = two_sessions(db_url)
    cid = a.view().card_id
    change(second, cid)
    with pytest.raises(ChangedElsewhere, match=rf"changed elsewhere \({word}\)"):
        a.grade(5)
    assert first.cards.state(cid).reviews == 0  # nothing recorded
    first.close()
    second.close()


def test_an_answer_to_a_card_edited_elsewhere_is_kept_and_says_so(db_url):
    first, second, a, _, _ = two_sessions(db_url)
    cid = a.view().card_id
    import_bytes(second, basic_deck("w", 6).replace(b'prompt = "q0"', b'prompt = "q0, edited"'))
    graded = a.grade(5)
    assert graded.edited and first.cards.state(cid).reviews == 1
    # the card's new text is read when it next shows (a session that undoes shows it now)
    a.undo()
    assert a.view().prompt == "q0, edited"
    first.close()
    second.close()
