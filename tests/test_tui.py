from __future__ import annotations

import sqlite3

from textual.widgets import DataTable, Static

from tests.helpers import Clock, basic_deck, import_bytes
from tests.tui_helpers import DATA, make_app, settle, store_with, type_text
from trainer.store.columns import KIND_CODES
from trainer.tui.screens.deck_list import DeckListScreen
from trainer.tui.screens.import_file import ImportScreen
from trainer.tui.screens.quiz import QuizScreen
from trainer.tui.screens.quiz_result import QuizResultScreen
from trainer.tui.screens.study import StudyScreen
from trainer.tui.screens.summary import SummaryScreen
from trainer.tui.screens.too_small import TooSmallScreen


def reviews(home, where: str = "1=1") -> list[tuple]:
    """(card key, kind, grade) of every log row, read from the file as it is (kinds are kept
    as codes: ``where`` may name them as 'kind')."""
    for kind, code in KIND_CODES.items():
        where = where.replace(f"'{kind}'", str(code))
    con = sqlite3.connect(home / "trainer.db")
    try:
        rows = con.execute(
            f"SELECT c.key, r.kind, r.quality FROM review r JOIN card c ON c.id = r.card_id "
            f"WHERE {where} ORDER BY r.id").fetchall()
    finally:
        con.close()
    names = {code: kind for kind, code in KIND_CODES.items()}
    return [(key, names[kind], quality) for key, kind, quality in rows]


def reviews_ids(store) -> list[int]:
    with store.reading() as conn:
        from sqlalchemy import text

        return list(conn.execute(text("SELECT card_id FROM review ORDER BY id")).scalars())


def shown(screen, wid: str) -> str:
    widget = screen.query_one(wid, Static)
    return str(widget.render()) if widget.display else ""


SESSION_DECKS = sorted((DATA / "session").glob("*.toml"))


async def test_a_whole_session_over_five_decks(_isolated_home):
    clock = Clock()
    store = store_with(*SESSION_DECKS, clock=clock)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 6  # five decks and the totals row
        await pilot.press("enter")  # the first deck by name: Session 1
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        session = screen.session

        # 1. basic: reveal; enter does nothing without a suggestion; grade 2 -> a repeat
        assert screen.view.kind == "basic" and screen.mode == "answering"
        await pilot.press("5")  # grades do nothing before the answer shows
        assert reviews(_isolated_home) == []
        await pilot.press("space")
        assert screen.mode == "grading" and "Remake it" in shown(screen, "#answer")
        await pilot.press("enter")
        assert screen.mode == "grading" and reviews(_isolated_home) == []
        await pilot.press("2")
        # committed before the next card shows
        assert reviews(_isolated_home) == [("remake-global-order", "scheduled", 2)]

        # 2. typed, close: a typo
        assert screen.view.kind == "typed" and screen.mode == "answering"
        await type_text(pilot, "Decmber 1949")
        await pilot.press("enter")
        assert "close" in shown(screen, "#verdict") and "December 1949" in shown(screen, "#answer")
        await pilot.press("enter")  # accepts the suggested 3
        assert reviews(_isolated_home)[-1] == ("mao-moscow-date", "scheduled", 3)

        # 3. typed, wrong: a different number is never close
        await type_text(pilot, "18 days")
        await pilot.press("enter")
        assert "wrong" in shown(screen, "#verdict")
        await pilot.press("enter")  # suggested 1
        assert reviews(_isolated_home)[-1] == ("mao-waits-17-days", "scheduled", 1)

        async def answer_right() -> None:
            view = session.view()
            if view.kind == "typed":
                await type_text(pilot, view.answer)
                await pilot.press("enter", "5")
            elif view.kind == "choice":
                await pilot.press(str(view.options.index(view.answer) + 1), "5")
            else:
                await pilot.press("space", "5")

        while session.view().kind != "choice":
            await answer_right()
        # choice: pick the right option by its digit
        assert screen.view.kind == "choice"
        right = screen.view.options.index(screen.view.answer) + 1
        await pilot.press(str(right))
        assert "right" in shown(screen, "#verdict")
        await pilot.press("enter")
        assert reviews(_isolated_home)[-1] == ("mao-visit-length", "scheduled", 4)

        while session.view().kind != "cloze":
            await answer_right()
        assert "[...]" in session.view().prompt
        await pilot.press("space")
        assert "eat" in shown(screen, "#answer")
        await pilot.press("5")

        # the first card comes back as a same-day repeat after ten other cards
        while session.current.bucket != "repeat":
            await answer_right()
        answered = [key for key, kind, _ in reviews(_isolated_home) if kind == "scheduled"]
        assert answered[0] == "remake-global-order" and len(answered) == 11  # ten in between
        # the cloze's other gap was buried when the first was answered: never shown today
        assert "mao-three-activities#c1" in answered
        assert "mao-three-activities#c2" not in answered
        assert session.view().prompt.startswith("According to the article's opening summary")
        await pilot.press("space", "3")  # still below 4: it comes back again
        assert reviews(_isolated_home)[-1] == ("remake-global-order", "repeat", 3)
        assert any(q.bucket == "repeat" and q.card_id == reviews_ids(store)[0]
                   for q in session.queue)
        answers = "r.kind IN ('scheduled', 'repeat')"
        done = len(reviews(_isolated_home, answers))

        # undo three grades with ctrl+z (answering mode) and u (grading mode); a grade that
        # buried a sibling takes the burying back with it
        await pilot.press("ctrl+z")
        await pilot.press("space") if session.view().kind in ("basic", "cloze") else None
        await pilot.press("u", "ctrl+z")
        assert len(reviews(_isolated_home, answers)) == done - 3
        assert not reviews(_isolated_home, "c.key = 'xi-welcome-hall#c2'")
        assert screen.mode == "answering"

        # suspend and bury from grading mode
        async def reveal() -> None:
            view = session.view()
            if view.kind == "typed":
                await pilot.press("enter")
            elif view.kind == "choice":
                await pilot.press("1")
            else:
                await pilot.press("space")

        await reveal()
        suspended = session.current.card_id
        await pilot.press("exclamation_mark")
        await reveal()
        buried = session.current.card_id
        await pilot.press("minus")
        assert store.cards.state(suspended).suspended
        assert store.cards.state(buried).buried_until is not None

        # a failed card, then quit mid-session: nothing graded is lost
        await reveal()
        failed = session.current.card_id
        await pilot.press("2")
        before_quit = reviews(_isolated_home)
        pending = [q.card_id for q in session.queue if q.bucket == "repeat"]
        await pilot.press("escape")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
    store.close()

    # reopen the same day: the answers are there and pending repeats come back
    store = store_with(clock=clock)
    assert reviews(_isolated_home) == before_quit
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        repeats = [q.card_id for q in screen.session.queue if q.bucket == "repeat"]
        assert failed in pending and set(pending) <= set(repeats)
        assert suspended not in {q.card_id for q in screen.session.queue}
    store.close()


async def test_a_whole_quiz(_isolated_home):
    store = store_with(DATA / "snap.toml")
    app = make_app(store, start="quiz", deck_key="snap", quiz_size=4)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        outcomes = []
        while isinstance(app.screen, QuizScreen):
            view = screen.view
            if view.kind == "typed":
                await type_text(pilot, "1951")
                await pilot.press("enter", "enter")
                outcomes.append(False)
            elif view.kind == "choice":
                await pilot.press(str(view.options.index(view.answer) + 1), "enter")
                outcomes.append(True)
            else:
                await pilot.press("space", "y")
                outcomes.append(True)
        result = app.screen
        assert isinstance(result, QuizResultScreen)
        assert (result.result.total, result.result.right) == (4, 3)
        assert "1950" in str(result.query_one("#quiz-misses Static").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
    rows = reviews(_isolated_home)
    assert len(rows) == 4 and {r[1] for r in rows} == {"quiz"}
    assert sorted(r[2] for r in rows) == [1, 4, 4, 4]
    assert store.cards.state(store.cards.of_deck(store.decks.find("snap").id)[1].id).reviews == 0
    store.close()


async def test_import_dialog_bad_then_good(_isolated_home, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('schema_version = 1\n[deck]\nid = "x"\nname = "X"\n[[cards]]\nid = "a"\n'
                   'kind = "basic"\nprompt = "p"\n')
    store = store_with()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)
        await type_text(pilot, str(tmp_path / "missing.toml"))
        await pilot.press("enter")
        await settle(pilot)
        assert "No such file" in str(app.screen.query_one("#import-result", Static).render())
        app.screen.query_one("#import-path").value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        result = str(app.screen.query_one("#import-result", Static).render())
        assert "Nothing was imported" in result and "answer: Field required" in result
        app.screen.query_one("#import-path").value = str(DATA / "snap.toml")
        await pilot.press("enter")
        await settle(pilot)
        result = str(app.screen.query_one("#import-result", Static).render())
        assert "4 added" in result
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
    store.close()


async def test_path_completion(tmp_path, _isolated_home):
    (tmp_path / "history-deck.toml").write_text("x")
    from trainer.tui.screens.import_file import PathSuggester

    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "hist")) == str(
        tmp_path / "history-deck.toml")


async def test_markup_in_cards_and_names_is_shown_literally(_isolated_home):
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert "Snapshot deck [bold]not bold[/]" in str(table.get_row_at(0)[0])
        await pilot.press("enter")
        screen = app.screen
        assert "[@click=app.quit]" in shown(screen, "#prompt")
        await pilot.press("space")
        assert "[red]not red[/red]" in shown(screen, "#answer")
        await pilot.press("e")  # the source map, at the card's paragraph
        await settle(pilot)
        assert "Joseph Stalin" in shown(app.screen, "#map-quotes")
        assert "Snapshot deck [bold]not bold[/]" in shown(app.screen, "#map-title")
        assert app.is_running
    store.close()


async def test_too_small_terminal_says_so(_isolated_home):
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "too small (60×20)" in str(app.screen.query_one(Static).render())
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
    store.close()


async def test_theme_is_remembered(_isolated_home):
    store = store_with()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
    store.close()


async def test_footer_shows_only_keys_that_apply(_isolated_home):
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="snap")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        keys = {b.binding.id for b in app.active_bindings.values() if b.enabled}
        assert "study.reveal" in keys and "study.undo" not in keys and "study.accept" not in keys
        await pilot.press("space")
        keys = {b.binding.id for b in app.active_bindings.values() if b.enabled}
        assert "study.reveal" not in keys and "study.suspend" in keys
    store.close()


def test_core_never_imports_textual():
    import subprocess
    import sys

    code = ("import sys, trainer.sessions, trainer.store, trainer.importer, trainer.formats.apkg; "
            "print(any(m.startswith('textual') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_clock_helper_is_pinned():
    assert Clock()() == Clock()()


async def test_stats_screen_selectors(_isolated_home):
    from textual.widgets import Select

    from tests.stats_history import build
    from trainer.tui.screens.statistics import StatsScreen

    store, _, _ = build()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        summary = str(screen.query_one("#stats-summary", Static).render())
        assert "2 answers in 0m 04s, accuracy 50%" in summary
        screen.query_one("#stats-period", Select).value = "today"
        await settle(pilot)
        history = str(screen.query_one("#stats-history", Static).render())
        assert "1 study day in the period" in history
        screen.query_one("#stats-scope", Select).value = "tag:t1"
        await settle(pilot)
        summary = str(screen.query_one("#stats-summary", Static).render())
        assert "Cards  2:" in summary
        await pilot.press("escape")
        assert isinstance(app.screen, DeckListScreen)
    store.close()


async def test_last_studied_counts_study_days_not_utc_dates():
    from datetime import UTC, datetime

    from trainer.settings import Settings
    from trainer.store import open_store

    new_york = Settings(timezone="America/New_York")
    clock = Clock(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))  # 18:00 in New York
    store = open_store(settings=new_york, clock=clock)
    import_bytes(store, basic_deck("ny", 2))
    store.reviews.record(store.cards.of_deck(store.decks.find("ny").id)[0].id, 5)

    async def last_studied() -> str:
        app = make_app(store, load_bundled_decks=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            return str(table.get_cell("ny", "last"))

    clock.now = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 21:00 the same evening there
    assert await last_studied() == "today"
    clock.now = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # 21:00 the next evening
    assert await last_studied() == "yesterday"
    store.close()
