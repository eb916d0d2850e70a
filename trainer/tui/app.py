"""The trainer app: the deck list, study and quiz sessions, import, help and statistics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.events import Resize
from textual.notifications import SeverityLevel

from trainer import heap
from trainer.render.words import visible
from trainer.sessions import QuizResult, QuizSession, StudySession, Summary
from trainer.sessions.target import (
    ALL_DECKS,
    StudyTarget,
    deck_or_all,
    study_session,
    tree_of,
)
from trainer.store import Deck, DeckTree, Store, Undone
from trainer.store.errors import StoreError
from trainer.tui.commands import TrainerCommands
from trainer.tui.navigation import Done, TrainerNavigation
from trainer.tui.prefs import load_prefs, save_prefs
from trainer.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen


class TrainerApp(App[int]):
    """The trainer's window on one database: it opens on the deck list, knows every screen
    and opens them for the others (TrainerNavigation), holds the study lock (one studying
    window a database; a second one is read-only) and takes a daily backup."""

    CSS_PATH = "app.tcss"
    TITLE = "trainer"
    COMMANDS = App.COMMANDS | {TrainerCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # ctrl+c ends the app cleanly too: every grade is already committed
        Binding("ctrl+c", "quit", "Quit", id="app.interrupt", priority=True, show=False),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        start: str = "decks",
        deck_key: str | None = None,
        target: StudyTarget | None = None,
        quiz_size: int = 20,
        seed: int | None = None,
        load_bundled_decks: bool = True,
        exit_after_mount: bool = False,
        cursor_blink: bool = True,
        query: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.start = start
        self.deck_key = deck_key
        # what `trainer study|quiz DECK` named: a deck, or a parent that is only a name
        self.target = target if target is not None else deck_or_all(deck_key)
        self.quiz_size = quiz_size
        self.seed = seed
        self.load_bundled_decks = load_bundled_decks
        self.exit_after_mount = exit_after_mount
        self.cursor_blink = cursor_blink
        self.browse_query = query  # the browser's first search, for `trainer browse QUERY`
        self._backed_up = False
        self._too_small: TooSmallScreen | None = None
        self._routed = False  # the size check waits until the first screens are up
        # One study window per database; a second one can browse and read statistics.
        self._lock = store.study_lock()
        self.holder = self._lock.acquire()
        self.read_only = self.holder is not None

    # -- start-up ---------------------------------------------------------------------------

    def on_unmount(self) -> None:
        """The study lock goes with the window."""
        self._lock.release()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every message literally: deck names and card text in it are never markup and never
        reach the terminal raw."""
        super().notify(visible(message), title=visible(title), severity=severity,
                       timeout=timeout, markup=False)

    def writable(self, what: str) -> bool:
        """False, with a message, in a read-only window."""
        if self.holder is not None:
            self.notify(f"Cannot {what} here: another trainer window ({self.holder.describe()}) "
                        "is studying this database; this one is read-only.",
                        severity="warning", timeout=5)
        return self.holder is None

    def take_back_newest(self, undo: Callable[[], Undone | None] | None = None) -> Undone | None:
        """Undo the newest action of any session (ctrl+z in the deck list, u in the browser:
        ``undo``, the store's by default), saying what it took back, that there was nothing,
        or why it cannot."""
        if not self.writable("undo"):
            return None
        try:
            undone = (undo or self.store.undo.last)()
        except StoreError as exc:  # refused (a later change depends on it), or not saved
            self.notify(str(exc), severity="warning", timeout=8)
            return None
        self.notify("Nothing to undo." if undone is None else f"Took back {undone.label}",
                    timeout=5)
        return undone

    def on_mount(self) -> None:
        """The remembered theme, then the bundled decks refreshed (in a worker) before the first
        screen."""
        theme = load_prefs().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda t: save_prefs(theme=t.name))
        if self.load_bundled_decks:
            self.prepare()
        else:
            self._route()

    def drawn_and_exit(self) -> None:
        """--exit-after-mount: the deck list is drawn with its counts; the benchmark's launch
        figure ends here, at the wall-clock time written to $TRAINER_LAUNCH_MARK (closing the
        terminal and the process after it is not launching)."""
        import os
        import time

        mark = os.environ.get("TRAINER_LAUNCH_MARK")
        if mark:
            Path(mark).write_text(repr(time.time()), encoding="utf-8")
        self.exit(0)

    @work(thread=True, exclusive=True, group="start")
    def prepare(self) -> None:
        """Refresh the bundled decks off the UI thread; a failure is a message, and the decks
        stay as they were."""
        from trainer import bundled

        try:
            bundled.ensure_bundled(self.store)
        except StoreError as exc:  # the decks stay as they were; studying still works
            self.call_from_thread(self.notify, f"The bundled decks were not refreshed: {exc}",
                                  severity="error", timeout=10)
        self.call_from_thread(self._route)

    @work(thread=True, exclusive=True, group="backup")
    def backup_daily(self) -> None:
        """Today's backup of a SQLite database, once a day, off the UI thread."""
        if self._backed_up or self.read_only:
            return
        self._backed_up = True
        from trainer.store import daily_backup

        if self.store.path is None:
            return
        try:
            daily_backup(self.store.path, self.store.today())
        except StoreError as exc:
            self.call_from_thread(self.notify, f"Today's backup failed: {exc}",
                                  severity="warning", timeout=8)

    def _route(self) -> None:
        from trainer.tui.screens.deck_list import DeckListScreen

        self.push_screen(DeckListScreen())
        if self.start == "study":
            self.start_study(self.target)
        elif self.start == "quiz":
            self.start_quiz(self.target)
        elif self.start == "stats":
            self.open_stats(self.target)
        elif self.start == "browse":
            self.open_browser(self.browse_query)
        self._routed = True
        self.call_after_refresh(self._check_size)
        self.call_after_refresh(heap.settle)

    # -- navigation -------------------------------------------------------------------------

    def start_study(self, target: StudyTarget) -> None:
        """A study session of ``target`` (in a writable window): the study screen, or a word
        that there is nothing to study today."""
        if self.writable("study"):
            self.run_worker(self._start_study(target), exclusive=True, group="start-study")

    async def _start_study(self, target: StudyTarget) -> None:
        """Today's plan and the first card are read in a thread (40 ms at 100,000 cards),
        then the study screen opens."""
        import asyncio

        from trainer.tui.screens.study import StudyScreen

        def prepare() -> tuple[StudySession | None, str]:
            session, title = study_session(self.store, target)
            if session is not None and not session.finished:
                session.view()  # the first card, read here too
            return session, title

        try:
            session, title = await asyncio.to_thread(prepare)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        if session is None:
            return
        if session.finished:
            self.notify(f"Nothing to study in {title} today.", timeout=3)
            return
        self.push_screen(StudyScreen(session, title))

    def start_quiz(self, target: StudyTarget) -> None:
        """A quiz on ``target``'s cards (a deck with its subdecks, a parent's, every deck's),
        or a word that it has no cards."""
        from trainer.tui.screens.quiz import QuizScreen

        if not self.writable("take a quiz"):
            return
        try:
            tree = tree_of(self.store, target)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        title = ALL_DECKS if tree is None else tree.name
        quiz = QuizSession(self.store, tree, self.quiz_size, self.seed)
        if quiz.finished:
            self.notify(f"{title} has no cards to quiz on.", timeout=3)
            return
        self.push_screen(QuizScreen(quiz, title))

    def open_stats(self, target: StudyTarget | None = None) -> None:
        """The statistics screen, of ``target`` (a deck with its subdecks, a parent's; all
        decks with None)."""
        from trainer.tui.screens.statistics import StatsScreen

        self.push_screen(StatsScreen(target))

    def open_import(self, done: Done | None = None) -> None:
        """The import dialog (in a writable window); ``done`` told whether anything was imported."""
        from trainer.tui.screens.import_file import ImportScreen

        if self.writable("import"):
            self.push_screen(ImportScreen(), done)

    def open_map_of(self, key: str) -> None:
        """The source map of the deck of ``key`` (the command palette's)."""
        self.open_source_map(self.store.decks.find(key))

    def open_options_of(self, key: str) -> None:
        """The options of the deck of ``key`` (the command palette's)."""
        from trainer.tui.screens.deck_options import DeckOptionsScreen

        if self.writable("change options"):
            self.push_screen(DeckOptionsScreen(self.store.decks.tree(key)))

    def open_options(self, deck: Deck | DeckTree, done: Done | None = None) -> None:
        """The options of ``deck``, or of a parent with the decks under it (in a writable
        window); ``done`` told whether they were saved."""
        from trainer.tui.screens.deck_options import DeckOptionsScreen

        if self.writable("change options"):
            tree = deck if isinstance(deck, DeckTree) else self.store.decks.tree(deck.key)
            self.push_screen(DeckOptionsScreen(tree), done)

    def open_browser(self, query: str = "") -> None:
        """The card browser, searching for ``query``."""
        from trainer.sessions.browse import BrowseSession
        from trainer.tui.screens.browse import BrowseScreen

        self.push_screen(BrowseScreen(BrowseSession(self.store, query)))

    def edit_card(self, card_id: int, done: Done | None = None) -> None:
        """The edit form for the entry of ``card_id`` (that card of a note with several)."""
        from trainer.tui.screens.edit_card import EditCardScreen

        card = self.store.cards.get(card_id)
        self.push_screen(EditCardScreen(self.store.decks.get(card.deck_id), card.entry,
                                        key=card.key), done)

    def add_card(self, deck: Deck, done: Done | None = None) -> None:
        """The add form for ``deck``, with an id no card of it has (retired ones included)."""
        from trainer.tui.screens.edit_card import EditCardScreen

        taken = {c.entry for c in self.store.cards.of_deck(deck.id, retired=True)}
        new_id = next(f"new-card-{n}" if n else "new-card" for n in range(len(taken) + 2)
                      if (f"new-card-{n}" if n else "new-card") not in taken)
        self.push_screen(EditCardScreen(deck, new_id=new_id), done)

    def open_source_map(self, deck: Deck | DeckTree, para: int | None = None) -> None:
        """The source map of ``deck``, at paragraph ``para`` when a card cites one."""
        from trainer.tui.screens.source_map import SourceMapScreen

        self.push_screen(SourceMapScreen(deck, para))

    def show_summary(self, session: StudySession, title: str,
                     summary: Summary | None = None) -> None:
        """The session's summary (worked out in the study screen's thread when it can be)."""
        from trainer.tui.screens.summary import SummaryScreen

        self.switch_screen(SummaryScreen(summary or session.summary(), title))

    def show_quiz_result(self, result: QuizResult, title: str) -> None:
        """The quiz's result, in place of the quiz screen."""
        from trainer.tui.screens.quiz_result import QuizResultScreen

        self.switch_screen(QuizResultScreen(result, title))

    def back_to_decks(self) -> None:
        """Close every screen above the deck list."""
        from trainer.tui.screens.deck_list import DeckListScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, DeckListScreen):
            self.pop_screen()

    def action_help(self) -> None:
        """The keys of every screen (?), unless already shown."""
        from trainer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- a terminal too small ---------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        """A terminal too small for the screens is covered by a message until it grows."""
        if self._routed:
            self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int | None = None, height: int | None = None) -> None:
        width = self.size.width if width is None else width
        height = self.size.height if height is None else height
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small and self._too_small is None:
            self._too_small = TooSmallScreen()
            self.push_screen(self._too_small)
        elif small and self._too_small is not None:
            self._too_small.update_size(width, height)
        elif not small and self._too_small is not None:
            if self.screen is self._too_small:
                self.pop_screen()
            self._too_small = None


if TYPE_CHECKING:  # mypy checks that the app is everything a screen may ask of it
    _navigation: type[TrainerNavigation] = TrainerApp
