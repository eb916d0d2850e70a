"""What a screen may ask of the app, and the screens' common base. The app implements
TrainerNavigation; a screen reaches it through ``self.trainer``, typed by the protocol, so
no screen imports the app or another screen: opening a screen is the app's business, and
the app is the only module that knows them all (no import loop between them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, cast

from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from trainer.sessions import QuizResult, StudySession, Summary
from trainer.sessions.target import StudyTarget
from trainer.store import Deck, DeckTree, Holder, Store, Undone

ResultType = TypeVar("ResultType")
Done = Callable[[bool | None], None]  # told whether a form or a dialog changed something


class TrainerNavigation(Protocol):
    """The app as the screens use it: the store, whether this window may write, and a way
    to every other screen. Textual's own API (push_screen, call_from_thread) stays
    ``self.app``'s."""

    @property
    def store(self) -> Store:
        """The database every screen reads and writes."""
        ...

    @property
    def holder(self) -> Holder | None:
        """The other window studying this database; None when this one may write."""
        ...

    @property
    def cursor_blink(self) -> bool:
        """Whether inputs blink their cursor (tests and snapshots turn it off)."""
        ...

    @property
    def exit_after_mount(self) -> bool:
        """--exit-after-mount: end once the deck list is drawn (the launch benchmark)."""
        ...

    def writable(self, what: str) -> bool:
        """False, saying why, in a read-only window (``what``: "study", "change cards")."""
        ...

    def take_back_newest(self, undo: Callable[[], Undone | None] | None = None) -> Undone | None:
        """Undo the newest action of any session, saying what was taken back."""
        ...

    def start_study(self, target: StudyTarget) -> None:
        """A study session of ``target``'s cards due today."""
        ...

    def start_quiz(self, target: StudyTarget) -> None:
        """A quiz on ``target``'s cards: a deck with its subdecks, a parent's, every deck's."""
        ...

    def open_stats(self, target: StudyTarget | None = None) -> None:
        """The statistics screen, of ``target`` (all decks with None)."""
        ...

    def open_import(self, done: Done | None = None) -> None:
        """The import dialog; ``done`` told whether anything was imported."""
        ...

    def open_browser(self, query: str = "") -> None:
        """The card browser, searching for ``query``."""
        ...

    def open_source_map(self, deck: Deck | DeckTree, para: int | None = None) -> None:
        """The source map of ``deck`` (a parent's: its decks'), at paragraph ``para``."""
        ...

    def open_map_of(self, key: str) -> None:
        """The source map of the deck of ``key``."""
        ...

    def open_options(self, deck: Deck | DeckTree, done: Done | None = None) -> None:
        """The options of ``deck`` (or a parent's); ``done`` told whether they were saved."""
        ...

    def open_options_of(self, key: str) -> None:
        """The options of the deck of ``key``."""
        ...

    def edit_card(self, card_id: int, done: Done | None = None) -> None:
        """The edit form for the card ``card_id``; ``done`` told whether it was saved."""
        ...

    def add_card(self, deck: Deck, done: Done | None = None) -> None:
        """The form for a new card in ``deck``; ``done`` told whether it was saved."""
        ...

    def show_summary(self, session: StudySession, title: str,
                     summary: Summary | None = None) -> None:
        """The study session's summary, in place of the study screen."""
        ...

    def show_quiz_result(self, result: QuizResult, title: str) -> None:
        """The quiz's result, in place of the quiz screen."""
        ...

    def back_to_decks(self) -> None:
        """Close every screen above the deck list."""
        ...

    def drawn_and_exit(self) -> None:
        """The deck list is drawn: the launch benchmark's figure ends here."""
        ...

    def backup_daily(self) -> Worker[None]:
        """Today's backup of a SQLite database, once a day, off the UI thread."""
        ...


class _Trainer:
    @property
    def trainer(self) -> TrainerNavigation:
        """The app as a screen may use it (``self.app`` is an ``App[object]`` to Textual)."""
        return cast(TrainerNavigation, self.app)  # type: ignore[attr-defined]


class TrainerScreen(_Trainer, Screen[ResultType]):
    """A full screen of the trainer, with the app at ``self.trainer``."""


class TrainerModal(_Trainer, ModalScreen[ResultType]):
    """A dialog over another screen, with the app at ``self.trainer``."""
