"""The study screen: two modes, answering and grading, so keys never clash."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, ProgressBar, Static

from trainer.formats.limits import tag_problems
from trainer.render.words import clock
from trainer.rules import FLAG_COLOURS, GRADE_WORDS, Verdict, flag_name
from trainer.sessions import CardView, StudySession, Summary
from trainer.sessions.study import took_back
from trainer.store import Undone
from trainer.store.errors import CouldNotSave, StoreError
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen
from trainer.tui.widgets.card import CardPanel
from trainer.tui.widgets.dialogs import AskModal
from trainer.tui.widgets.flag_picker import FlagModal, badge
from trainer.tui.widgets.grade_button import GradeButton

T = TypeVar("T")
KIND_LABELS = {"basic": "Question", "typed": "Type the answer", "cloze": "Fill the gap",
               "choice": "Choose one"}
BUCKET_LABELS = {"new": "new", "review": "review", "repeat": "again today"}


class StudyScreen(TrainerScreen[None]):
    """A study session, one card at a time, in two modes so keys never clash: answering (show,
    type or choose) and grading (0-5, or enter for the suggested grade). Each grade, undo,
    suspension or burying runs in a thread while the screen waits ("saving"); the session is
    a StudySession, this screen only shows it and dispatches the keys."""

    BINDINGS = [
        Binding("space", "reveal", "Show answer", id="study.reveal"),
        Binding("enter", "reveal", "Show answer", id="study.reveal_enter", show=False),
        Binding("enter", "accept", "Accept grade", id="study.accept"),
        Binding("enter", "expect_grade", "Grade 0-5", id="study.expect", show=False),
        *[Binding(str(n), f"pick({n})", f"Choose {n}", show=False, id=f"study.pick{n}")
          for n in range(1, 10)],
        *[Binding(str(q), f"grade({q})", f"Grade {q}", show=False, id=f"study.grade{q}")
          for q in range(6)],
        Binding("u", "undo", "Undo", id="study.undo"),
        Binding("ctrl+z", "undo_key", "Undo", id="study.undo_key", priority=True, show=False),
        Binding("exclamation_mark", "suspend", "Suspend", id="study.suspend"),
        Binding("minus", "bury", "Bury", id="study.bury"),
        Binding("e", "source", "Source map", id="study.source"),
        Binding("E", "edit", "Edit", id="study.edit"),
        # Anki's flags, marks and tags (the help lists them: the footer is full already);
        # f picks a flag where ctrl+1…7 never arrive (tmux, most terminals)
        *[Binding(f"ctrl+{n}", f"flag({n})", flag_name(n).capitalize(), show=False,
                  id=f"study.flag{n}") for n in range(1, len(FLAG_COLOURS) + 1)],
        Binding("f", "pick_flag", "Flag", id="study.pick_flag", show=False),
        Binding("asterisk", "mark", "Mark", id="study.mark", show=False),
        Binding("t", "tags", "Tags", id="study.tags", show=False),
        Binding("escape", "end", "End", id="study.end", priority=True),
    ]

    mode: reactive[str] = reactive("answering", init=False)
    CHECKPOINT_AFTER_IDLE_S = 2.0  # a pause in grading long enough to fold the log in

    def __init__(self, session: StudySession, title: str) -> None:
        super().__init__()
        self.session = session
        self.title_text = title
        self.verdict: Verdict | None = None
        self.given = ""
        self.shown_at = time.monotonic()
        self._idle_timer: Timer | None = None
        self._counts: dict[str, int] | None = None
        self._summary: Summary | None = None  # worked out in the thread that ended the session

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The header and progress bar, the card, the grade keys, the hint and the footer."""
        with Vertical(id="study-top"):
            yield Static(id="study-header")
            yield ProgressBar(id="study-progress", show_eta=False, show_percentage=False)
        yield CardPanel()
        with Vertical(id="grades"):
            for q in range(6):
                yield GradeButton(q)
        yield Static(id="hint")
        yield Footer()

    def on_mount(self) -> None:
        """The first card, and the clock ticking each second."""
        self.query_one(Input).cursor_blink = self.trainer.cursor_blink
        self.set_interval(1, self._tick)
        self.show_card()

    # -- showing ----------------------------------------------------------------------------

    @property
    def view(self) -> CardView:
        """The card showing."""
        return self.session.view()

    def _tick(self) -> None:
        """Each second, the clock: the counts change only with an action (counting a queue of
        36,000 cards every second was 2 ms of the UI thread's time)."""
        self._update_header(recount=False)

    def _update_header(self, recount: bool = True) -> None:
        if recount or self._counts is None:
            self._counts = self.session.counts()
        counts = self._counts
        elapsed = (self.trainer.store.now() - self.session.started).total_seconds()
        self.query_one("#study-header", Static).update(joined(
            (self.title_text, "bold"), "   ",
            (f"new {counts['new']}", "blue"), " · ",
            (f"review {counts['review']}", "green"), " · ",
            (f"repeat {counts['repeat']}", "red"), "   ",
            (clock(max(0.0, elapsed)), "dim"),
        ))
        done = len(self.session.history)
        bar = self.query_one(ProgressBar)
        bar.update(total=max(1, done + len(self.session.queue)), progress=done)

    def show_card(self) -> None:
        """The next card's question side; the summary once the session is finished."""
        item = self.session.current
        if item is None:
            self.trainer.show_summary(self.session, self.title_text, self._summary)
            return
        self.verdict = None
        self.given = ""
        view = self.view
        self.query_one(CardPanel).show_question(view, self._kind_line(view))
        self.query_one("#grades").display = False
        self.mode = "answering"
        self.shown_at = time.monotonic()
        hint = {
            "basic": "space or enter: show the answer",
            "cloze": "space or enter: show the answer",
            "typed": "type the answer, then enter",
            "choice": f"1-{len(view.options)}: choose",
        }[view.kind]
        if self.session.history:
            hint += " · ctrl+z: undo the last grade"
        self.query_one("#hint", Static).update(plain(hint, "dim"))
        self._update_header()

    def _kind_line(self, view: CardView) -> Text:
        """The card's kind, where it sits in the queue, and its flag and mark."""
        item = self.session.current
        line = joined((KIND_LABELS[view.kind], "bold"), "  ",
                      (BUCKET_LABELS[item.bucket] if item else "", "dim"))
        noted = badge(view.flag, view.marked)
        if noted:
            line.append("   ")
            line.append_text(noted)
        return line

    def reveal(self, verdict: Verdict | None = None) -> None:
        """The answer side (with the check of a typed or chosen answer), then the grade keys."""
        view = self.view
        self.verdict = verdict
        panel = self.query_one(CardPanel)
        if verdict is not None:
            panel.show_verdict(view, verdict, self.given)
        panel.show_answer(view, self.given if view.kind == "choice" else None)
        self._show_grades()
        self.mode = "grading"

    def _show_grades(self) -> None:
        preview = self.session.preview()
        suggested = self.view.suggested(self.verdict)
        for button in self.query(GradeButton):
            q = button.quality
            label = Text(f" {q}  ", style="bold")
            label.append(f"{GRADE_WORDS[q]:<24}")
            label.append(f"{preview.get(q, ''):>15} ", style="bold" if q == suggested else "")
            if q == suggested:
                label.append(" ← suggested", style="italic")
            button.label = label
            button.variant = "primary" if q == suggested else "default"
        self.query_one("#grades").display = True
        hint = "0-5: grade"
        if suggested is not None:
            hint += f" · enter: accept {suggested} ({GRADE_WORDS[suggested]})"
        self.query_one("#hint", Static).update(plain(hint, "dim"))

    # -- modes and keys ---------------------------------------------------------------------

    def watch_mode(self) -> None:
        """The footer's keys follow the mode."""
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys apply in the mode and for the card's kind; none while saving."""
        if self.mode == "saving":  # the session is busy in a thread: nothing applies yet
            return False
        if self.session.finished and action not in ("end",):
            return False
        answering = self.mode == "answering"
        kind = self.view.kind if not self.session.finished else None
        if action == "reveal":
            return answering and kind in ("basic", "cloze")
        if action == "pick":
            return answering and kind == "choice" and int(str(parameters[0])) <= len(
                self.view.options)
        if action == "accept":
            return not answering and self.view.suggested(self.verdict) is not None
        if action == "expect_grade":
            return not answering and self.view.suggested(self.verdict) is None
        if action in ("suspend", "bury", "pick_flag", "mark", "tags"):
            # on both sides; only while an answer is being typed are ! - f * t its text
            return not answering or kind != "typed"
        if action == "undo":
            return not answering and bool(self.session.history)
        if action in ("grade", "source"):
            return not answering
        return True  # undo_key too: with nothing of this session's, the newest of any

    def on_key(self, event: events.Key) -> None:
        """A character that reached the screen while a typed card asks for its answer was
        typed while the last grade was saving (the answer's input was not yet there to take
        it): it belongs to the answer, so no key typed ahead is lost."""
        if (self.mode != "answering" or self.session.finished or self.view.kind != "typed"
                or not event.is_printable or event.character is None):
            return
        typed = self.query_one(CardPanel).typed
        typed.focus()
        typed.insert_text_at_cursor(event.character)
        event.stop()
        event.prevent_default()

    def action_reveal(self) -> None:
        """Show the answer (a basic or cloze card)."""
        self.reveal()

    def action_pick(self, n: int) -> None:
        """Choose option ``n`` of a choice card: checked at once."""
        self.given = self.view.options[n - 1]
        self.reveal(self.view.check(self.given))

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        if self.mode != "answering":
            return
        self.given = event.value.strip()
        self.reveal(self.view.check(self.given))

    async def action_accept(self) -> None:
        """Grade with the suggested grade (enter after a checked answer)."""
        suggested = self.view.suggested(self.verdict)
        if suggested is not None:
            await self.action_grade(suggested)

    def action_expect_grade(self) -> None:
        """Enter with no suggestion: say that the grade is the student's own, 0-5."""
        self.notify("Grade yourself with 0-5: enter only accepts the grade suggested after "
                    "a typed or chosen answer.", timeout=4)

    async def _off_ui_thread(self, act: Callable[[], T]) -> T:
        """Run a session's database work (a grade, an undo, a suspension) in a thread, then
        read the next card there too, so the screen only draws. The action awaits it: keys
        pressed meanwhile wait in this screen's queue, in order, for the card they are
        meant for; the screen is "saving" until then, and none of its keys apply."""
        before = self.mode
        self.mode = "saving"

        def work() -> T:
            result = act()
            if not self.session.finished:
                self.session.view()  # the next card (and the read-ahead) from here too
            else:
                self._summary = self.session.summary()
            return result

        try:
            return await asyncio.to_thread(work)
        finally:
            if self.mode == "saving":
                self.mode = before

    async def action_grade(self, quality: int) -> None:
        """Grade the card (committed before the next card shows); a save that failed leaves the
        card to grade again, with a message."""
        if self.mode != "grading":
            return
        answer_ms = int((time.monotonic() - self.shown_at) * 1000)
        try:
            # committed before the next card shows
            graded = await self._off_ui_thread(lambda: self.session.grade(quality, answer_ms))
        except CouldNotSave as exc:  # nothing was kept: the card stays, to grade again
            self.notify(f"{exc}. The card stays: grade it again, or escape to end (nothing "
                        "saved before is lost).", severity="error", timeout=10)
            return
        except StoreError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            self.show_card()
            return
        self._checkpoint_when_idle()
        if graded.edited:
            self.notify("This card was changed elsewhere (edited) while it showed: your grade "
                        "is saved, and its new text shows next time.", timeout=5)
        if graded.leech:
            self.notify("This card is a leech: it keeps being forgotten. " + (
                "Suspended and tagged leech; rewrite it, then unsuspend it (u takes it back)."
                if graded.suspended else "Tagged leech."), timeout=6)
        self.show_card()

    def _checkpoint_when_idle(self) -> None:
        """After a pause in grading, fold the write-ahead log into the database in a worker,
        so that no grade waits for SQLite to do it inside its commit."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
        if not self.trainer.store.wants_checkpoint():
            return
        self._idle_timer = self.set_timer(self.CHECKPOINT_AFTER_IDLE_S, lambda: self.run_worker(
            self.trainer.store.checkpoint, thread=True, group="checkpoint", exclusive=True))

    @on(Button.Pressed, "GradeButton")
    async def _clicked(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, GradeButton)
        await self.action_grade(event.button.quality)

    async def action_undo(self) -> None:
        """Take back the session's last action; with none left, the newest of any session."""
        if self.mode == "saving":
            return
        if not self.session.history:
            await self._undo_elsewhere()
            return
        try:
            undone = await self._off_ui_thread(self.session.undo)
        except StoreError as exc:
            self.notify(str(exc), severity="warning", timeout=5)
            return
        if undone is None:  # another window or `trainer undo` took it back already
            self.notify("Nothing to undo: the last action was taken back elsewhere.",
                        timeout=4)
            return
        self.notify(took_back(undone), timeout=3)
        if isinstance(undone, Undone):  # a note: the card stays as it shows
            self._show_notes()
            return
        self.show_card()

    async def _undo_elsewhere(self) -> None:
        """Nothing of this session's left to undo: the newest action of any session."""
        try:
            undone = await self._off_ui_thread(self.session.undo_elsewhere)
        except StoreError as exc:  # refused: a later change depends on it
            self.notify(str(exc), severity="warning", timeout=8)
            return
        if undone is None:
            self.notify("Nothing to undo.", timeout=3)
            return
        self.notify(f"Nothing of this session to undo: took back {undone.label} (from before)",
                    timeout=6)
        self.show_card()

    async def action_undo_key(self) -> None:
        """ctrl+z: undo on either side of the card."""
        await self.action_undo()

    async def action_suspend(self) -> None:
        """Suspend the card (ctrl+z takes it back)."""
        await self._flag(self.session.suspend, "Card suspended: it will not be shown until "
                         "unsuspended (ctrl+z takes it back)")

    async def action_bury(self) -> None:
        """Bury the card until tomorrow (ctrl+z takes it back)."""
        await self._flag(self.session.bury, "Card buried until tomorrow (ctrl+z takes it back)")

    async def _flag(self, act: Callable[[], None], done: str) -> None:
        if self.mode == "saving":
            return
        try:
            await self._off_ui_thread(act)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.notify(done, timeout=3)
        self.show_card()

    # -- notes on the card: a flag, a mark, its tags (none leaves the card) -----------------

    async def action_flag(self, colour: int) -> None:
        """Flag the card (ctrl+1…7, Anki's colours); the same flag again takes it off."""
        if not self.trainer.writable("flag cards"):
            return
        now = await self._note(lambda: self.session.flag(colour))
        if now is not None:
            self.notify(f"Flagged {flag_name(now)} (ctrl+z takes it back)" if now else
                        "Flag taken off (ctrl+z takes it back)", timeout=3)

    def action_pick_flag(self) -> None:
        """Pick a flag by its number (f): for a terminal that keeps ctrl+1…7 to itself."""
        current = self.view.flag

        async def picked(colour: int | None) -> None:
            if colour is not None:
                await (self.action_flag(colour) if colour else self._unflag(current))
        self.app.push_screen(FlagModal(current), picked)

    async def _unflag(self, current: int) -> None:
        if current:  # taking off the flag the card has: as its ctrl+N again
            await self.action_flag(current)

    async def action_mark(self) -> None:
        """Mark the card (*, Anki's `marked` tag), or unmark it."""
        if not self.trainer.writable("mark cards"):
            return
        marked = await self._note(self.session.toggle_mark)
        if marked is not None:
            self.notify(f"{'Marked' if marked else 'Unmarked'} (ctrl+z takes it back)",
                        timeout=3)

    def action_tags(self) -> None:
        """Edit the card's own tags (t), in one line."""
        if not self.trainer.writable("tag cards"):
            return
        tags = " ".join(self.session.card().tags)

        async def asked(value: str | None) -> None:
            if value is None or value == tags:
                return
            now = await self._note(lambda: self.session.set_tags(value.split()))
            if now is not None:
                self.notify(f"Tags: {' '.join(now) or '(none)'} (ctrl+z takes them back)",
                            timeout=3)
        self.app.push_screen(AskModal("The card's tags, separated by spaces", "a-tag another",
                                      _tags_problem, tags, extend=True), asked)

    async def _note(self, act: Callable[[], T]) -> T | None:
        """A note on the card showing, saved in a thread; the card stays as it shows, its
        kind line brought up to date. None when it could not be saved (said why)."""
        if self.mode == "saving":
            return None
        try:
            done = await self._off_ui_thread(act)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return None
        self._show_notes()
        return done

    def _show_notes(self) -> None:
        if not self.session.finished:
            self.query_one(CardPanel).show_kind(self._kind_line(self.view))

    def action_edit(self) -> None:
        """Edit the card; its new text shows at once."""
        card_id = self.view.card_id

        def edited(saved: bool | None) -> None:
            if saved:
                self.session.refresh_card(card_id)
                self.show_card()
        self.trainer.edit_card(card_id, edited)

    def action_source(self) -> None:
        """The source map at the card's paragraph; a card that cites none shows its quote (or
        says it has none) in place."""
        if self.view.source_para is None:
            self.query_one(CardPanel).toggle_source(self.view)
            return
        deck = self.trainer.store.decks.get(self.view.deck_id)
        self.trainer.open_source_map(deck, self.view.source_para)

    async def action_end(self) -> None:
        """End the session: the summary when anything was done, else back to the list."""
        if self.session.history:
            summary = self._summary or await asyncio.to_thread(self.session.summary)
            self.trainer.show_summary(self.session, self.title_text, summary)
        else:
            self.app.pop_screen()


def _tags_problem(value: str) -> str | None:
    """Why a line of tags cannot be saved (a tag a deck file could not hold); None when it
    can."""
    problems = [p for tag in value.split() for p in tag_problems(tag)]
    return "; ".join(dict.fromkeys(problems)) or None
