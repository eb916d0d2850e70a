"""A study session: today's plan as a queue, SM-2's same-day repeats, siblings, undo of
every action, and the summary. Every answer is committed (store.reviews.record) before the
session moves on."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

from trainer.domain.answer import fsrs_intervals
from trainer.render.words import interval
from trainer.rules import PASS, REPEAT_UNTIL, AnswerKind
from trainer.scheduler import sm2
from trainer.sessions.card_view import CardView
from trainer.sessions.study_queue import Action, StudyQueue
from trainer.store import Card, CardState, Deck, Graded, QueueItem, Store, Undone, UndoneReview
from trainer.store.errors import ChangedElsewhere, CouldNotSave, NotFound, StoreError
from trainer.store.records import Annotated

AGAIN = "again today"
READ_AHEAD = 32  # cards read ahead in one statement


@dataclass
class Summary:
    """What a study session came to, for the summary screen: cards and answers, the grades,
    how many were right the first time, the time taken, and what is due next."""

    studied: int
    answers: int
    grades: dict[int, int]
    right_first_time: float | None  # the share of first answers graded 3 or more
    seconds: float
    next_due: date | None  # after today, in the decks studied
    due_tomorrow: int
    left_today: int = 0  # cards of today's plan not studied (the session ended early)


@lru_cache(maxsize=4096)
def _grade_labels(repetitions: int, easiness_x100: int, interval_days: int,
                  lapse_updates_easiness: bool) -> tuple[tuple[int, str], ...]:
    """Each grade's label for a state; states recur, so they are worked out once each."""
    outcomes = sm2.preview(sm2.SM2State.from_x100(repetitions, easiness_x100, interval_days),
                           lapse_updates_easiness=lapse_updates_easiness)
    return tuple((q, AGAIN if q < PASS else f"{interval(s.interval)}, {AGAIN}"
                  if q < REPEAT_UNTIL else interval(s.interval)) for q, s in outcomes.items())


def took_back(undone: UndoneReview | Undone) -> str:
    """What an undo took back, in words: the action, and the siblings it unburied and the
    leech action it reverted with it."""
    if isinstance(undone, Undone):  # a flag, a mark, the card's tags
        return f"Took back {undone.label}"
    extra = []
    if undone.unburied:
        n = len(undone.unburied)
        extra.append(f"{n} sibling{'s' if n > 1 else ''} unburied")
    if undone.leech_undone:
        extra.append("the leech action reverted")
    return f"Took back {undone.label}" + (f" ({', '.join(extra)})" if extra else "")


@dataclass
class StudySession:
    """One sitting of study: today's cards of a deck (with its subdecks), of a parent that is
    only a name, or of every deck, shown one at a time and graded; each answer is committed
    before the next card shows, and every action of the sitting can be taken back."""

    store: Store
    deck: Deck | None = None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # more decks studied with ``deck`` (its subdecks: "Parent::Child"); with no deck, these
    # alone (a parent that is only a name)
    subdecks: tuple[int, ...] = ()
    history: list[Action] = field(default_factory=list)
    started: datetime = field(init=False)
    study_queue: StudyQueue = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.started = self.store.now()
        self.study_queue = StudyQueue(self.store)
        self.reload()

    def reload(self) -> None:
        """Read today's plan again and start the queue over from it (after an undo of
        something outside this session); what was read of the cards is forgotten."""
        wanted = {*self.subdecks, *([self.deck.id] if self.deck else [])}
        # the notes come with the plan: gathering looked them up
        plans, notes = self.store.queue.planned(wanted or None)
        self.study_queue.load(plans, notes)
        # each deck's scheduler: None for SM-2, else the FSRS parameters it schedules with
        self._params = {d: self.store.scheduling.deck_params(d) for d in {p.deck_id for p in plans}}
        self._cards: dict[int, Card] = {}
        self._showings: dict[int, int] = {}
        self._shown: dict[int, CardState] = {}  # the state each showing card was shown in
        # the next cards and their states, read together (_read_ahead); forgotten whenever
        # anything but a plain grade changes the queue or a card
        self._ahead: dict[int, tuple[Card, CardState]] = {}

    # -- what is showing --------------------------------------------------------------------

    @property
    def queue(self) -> list[QueueItem]:
        """The cards left today, the one showing first."""
        return self.study_queue.items

    @property
    def current(self) -> QueueItem | None:
        """The card showing, None when the session is finished."""
        return self.study_queue.current

    def view(self, item: QueueItem | None = None) -> CardView:
        """The card as it shows now: a choice card's options move between showings."""
        item = item or self.current
        if item is None:
            raise LookupError("the session is finished")
        cid = item.card_id
        showing = item is self.current and cid not in self._shown
        try:
            if showing:  # the card, and the state the answer will be given to
                ahead = self._ahead.pop(cid, None)
                if ahead is None and cid not in self._cards and item.bucket != "repeat":
                    self._read_ahead()
                    ahead = self._ahead.pop(cid, None)
                if ahead is not None:
                    self._cards.setdefault(cid, ahead[0])
                    self._shown[cid] = ahead[1]
                elif cid not in self._cards:
                    self._cards[cid], self._shown[cid] = self.store.cards.showing(cid)
                else:
                    self._shown[cid] = self.store.cards.state(cid)
            elif cid not in self._cards:
                self._cards[cid] = self.store.cards.get(cid)
        except NotFound:  # an import removed it since the queue was built
            self.study_queue.take_out(cid)
            return self.view()
        card = self._cards[cid]
        if card.kind == "choice" and cid not in self._showings:
            # only a choice card's options depend on its showings: other cards skip the count
            self._showings[cid] = self.store.reviews.answer_count(cid)
        return CardView.of(card, self._showings.get(cid, 0))

    def _read_ahead(self) -> None:
        """The next cards' first showings, read in one statement: one read in READ_AHEAD
        cards instead of one a card (0.05 ms of a 0.5 ms study cycle). A state read ahead
        can only be older than the card's: a grade checks it against the card's state when
        it is saved, and an answer given to a state changed elsewhere is refused as before.
        A same-day repeat, changed by this session's own grade, is always read when shown."""
        ids = []
        for item in self.queue:
            if item.bucket != "repeat" and item.card_id not in self._cards:
                ids.append(item.card_id)
                if len(ids) == READ_AHEAD:
                    break
        self._ahead = self.store.cards.showing_many(ids)

    def refresh_card(self, card_id: int) -> None:
        """Read the card again when next shown (it was edited)."""
        self._cards.pop(card_id, None)
        self._ahead.pop(card_id, None)

    def counts(self) -> dict[str, int]:
        """The cards left in each bucket (new, review, repeat), for the screen's header."""
        return self.study_queue.counts()

    def preview(self) -> dict[int, str]:
        """Each grade's outcome for the current card, for the grade keys: below 4 the card
        comes back today (SM-2's same-day rule), and a 3 also moves its schedule."""
        item = self.current
        if item is None:
            return {}
        if item.bucket == "repeat":
            # SM-2's same-day repeats leave the schedule alone.
            return {q: (AGAIN if q < REPEAT_UNTIL else "done") for q in range(6)}
        shown = self._shown.get(item.card_id)  # read when the card was shown
        s = shown or self.store.cards.state(item.card_id)
        params = self._params.get(self.study_queue.deck_of.get(item.card_id, -1))
        if params is not None:
            days = fsrs_intervals(s, self.store.today(), params, self.store.settings)
            return {q: f"{interval(d)}, {AGAIN}" if q < REPEAT_UNTIL else interval(d)
                    for q, d in days.items()}
        return dict(_grade_labels(s.repetitions, s.easiness_x100, s.interval,
                                  self.store.settings.lapse_updates_easiness))

    @property
    def finished(self) -> bool:
        """No card left today: the summary comes next."""
        return not self.queue

    # -- acting -----------------------------------------------------------------------------

    def grade(self, quality: int, answer_ms: int = 0) -> Graded:
        """Record the current card's grade (committed), then move on. Siblings it buried and a
        card the leech action suspended leave the queue."""
        item = self._front()
        kind: AnswerKind = "repeat" if item.bucket == "repeat" else "scheduled"
        shown = self._shown.pop(item.card_id, None)
        try:
            graded = self._record(item, quality, kind, answer_ms, shown)
        except CouldNotSave:
            if shown is not None:  # the card stays on screen, as it was shown
                self._shown[item.card_id] = shown
            raise
        except (ChangedElsewhere, NotFound) as exc:
            # another window graded it, or an import removed it: nothing was recorded here,
            # and what was read ahead may be as old
            self._ahead.clear()
            self.study_queue.take_out(item.card_id)
            self._cards.pop(item.card_id, None)
            if isinstance(exc, NotFound):
                raise StoreError("this card was removed (by an import); showing the next "
                                 "card") from None
            raise
        if graded.edited:  # its new text shows when it comes again
            self.refresh_card(item.card_id)
        self._showings[item.card_id] = self._showings.get(item.card_id, 0) + 1
        if graded.buried or graded.leech:  # other cards changed: read them again
            self._ahead.clear()
        self.history.append(self.study_queue.graded(item, quality, answer_ms, graded))
        return graded

    def _record(self, item: QueueItem, quality: int, kind: AnswerKind, answer_ms: int,
                shown: CardState | None) -> Graded:
        """Record a grade; once more on a fresh connection if the save failed (a database
        server that restarted answers now; a full disk refuses again)."""
        card = self._cards.get(item.card_id)
        for attempt in (1, 2):
            try:
                return self.store.reviews.record(
                    item.card_id, quality, kind, answer_ms=answer_ms,
                    session_id=self.session_id, shown=shown, require_due=True,
                    shown_content=card.content_hash if card is not None else None)
            except CouldNotSave:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _front(self) -> QueueItem:
        item = self.current
        if item is None:
            raise LookupError("the session is finished")
        return item

    def suspend(self) -> None:
        """Suspend the current card (committed): it leaves the queue until unsuspended."""
        self._flag("suspend")

    def bury(self) -> None:
        """Bury the current card until tomorrow (committed): it leaves today's queue."""
        self._flag("bury")

    def _flag(self, kind: Literal["suspend", "bury"]) -> None:
        item = self._front()
        self._ahead.clear()
        self._shown.pop(item.card_id, None)
        if kind == "suspend":
            self.store.cards.suspend(item.card_id, session_id=self.session_id)
        else:
            self.store.cards.bury_until_tomorrow(item.card_id, session_id=self.session_id)
        self.history.append(self.study_queue.flagged(kind, item))

    # -- notes on the card showing: a flag, a mark, its tags ---------------------------------

    def card(self) -> Card:
        """The card showing, as read for it (its flag, its tags)."""
        item = self._front()
        if item.card_id not in self._cards:
            self.view()
        return self._cards[item.card_id]

    def flag(self, colour: int) -> int:
        """Flag the card showing ``colour`` (1-7, as Anki's ctrl+1…7), or take its flag off
        when it has that one already (committed); its flag now."""
        now = 0 if self.card().flag == colour else colour
        self._noted(self.store.cards.flag([self._front().card_id], now))
        return now

    def toggle_mark(self) -> bool:
        """Mark the card showing (Anki's `*`), or unmark it (committed); whether it is
        marked now."""
        marked = not self.card().marked
        self._noted(self.store.cards.mark([self._front().card_id], marked))
        return marked

    def set_tags(self, tags: list[str]) -> tuple[str, ...]:
        """The card's own tags become ``tags`` (committed; StoreError names a tag a deck file
        could not hold); its tags now."""
        self._noted(self.store.cards.set_tags(self._front().card_id, tags))
        return self.card().tags

    def _noted(self, done: Annotated) -> None:
        item = self._front()
        self.refresh_card(item.card_id)  # read again when next viewed, with its note
        if done.entry_id is not None:
            self.history.append(Action("note", item, entry=done.entry_id))

    def undo(self) -> UndoneReview | Undone | None:
        """Take back this session's last action, whatever it was: the card shows again as it
        was, and whatever the action took out of the queue comes back. A note (a flag, a
        mark, the card's tags) is taken back by its own journal entry: what another window
        did since stays."""
        if not self.history:
            return None
        self._ahead.clear()
        if self.history[-1].kind == "note":
            action = self.history.pop()  # refused or not, the next undo goes on before it
            self.refresh_card(action.item.card_id)
            assert action.entry is not None
            return self.store.undo.entry(action.entry)  # None: taken back elsewhere
        undone = self.store.undo.last_review(self.session_id)
        if undone is None:  # the log no longer has it (undone elsewhere)
            self.history.clear()
            self.study_queue.answers = 0
            return None
        action = self.history.pop()
        self.study_queue.put_back(action)
        if action.kind == "grade":
            self._showings.pop(action.item.card_id, None)  # read again when it shows
        return undone

    def undo_elsewhere(self) -> Undone | None:
        """With none of this session's actions left to undo, the newest action of any session
        (an earlier session's grade, an edit, a deck's deletion): the day's plan is read again,
        and a card it gave back shows first when the plan holds it."""
        undone = self.store.undo.last()
        if undone is None:
            return None
        self.reload()
        self.study_queue.show_first(undone.card_ids)
        return undone

    # -- the end ----------------------------------------------------------------------------

    def summary(self) -> Summary:
        """The session so far, summed up (the summary screen's figures); when it ended early,
        how many of today's cards are left."""
        answers = [a for a in self.history if a.kind == "grade"]
        grades = Counter(a.quality for a in answers)
        first = [a for a in answers if a.item.bucket != "repeat"]
        passed = sum(1 for a in first if a.quality is not None and a.quality >= PASS)
        scope = {*self.subdecks, *([self.deck.id] if self.deck else [])}
        next_due, tomorrow = self.store.queue.next_due(None, deck_ids=scope or None)
        elapsed = (self.store.now() - self.started).total_seconds()
        return Summary(
            studied=len({a.item.card_id for a in answers}),
            answers=len(answers),
            grades={q: grades.get(q, 0) for q in range(6)},
            right_first_time=passed / len(first) if first else None,
            seconds=max(0.0, elapsed),
            next_due=next_due,
            due_tomorrow=tomorrow,
            left_today=len({item.card_id for item in self.queue}),
        )
