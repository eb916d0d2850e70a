"""A study session: today's plan as a queue, SM-2's same-day repeats, siblings, undo of
every action, and the summary. Every answer is committed (Store.record_review) before the
session moves on."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

from trainer.domain.answer import fsrs_intervals
from trainer.domain.order import order
from trainer.render.words import interval
from trainer.rules import PASS, REPEAT_GAP, REPEAT_UNTIL, AnswerKind
from trainer.scheduler import sm2
from trainer.sessions.card_view import CardView
from trainer.store import Card, CardState, Deck, Graded, QueueItem, Store, Undone, UndoneReview
from trainer.store.errors import ChangedElsewhere, CouldNotSave, NotFound, StoreError

AGAIN = "again today"
READ_AHEAD = 32  # cards read ahead in one statement


@dataclass
class Action:
    """One key press of a session, as undo needs it: what was showing, and the queue entries
    it took out (index, entry), in the order it took them."""

    kind: Literal["grade", "suspend", "bury"]
    item: QueueItem
    removed: list[tuple[int, QueueItem]] = field(default_factory=list)
    quality: int | None = None
    answer_ms: int = 0
    requeued: int | None = None  # where a same-day repeat went


@dataclass
class Summary:
    studied: int
    answers: int
    grades: dict[int, int]
    right_first_time: float | None  # the share of first answers graded 3 or more
    seconds: float
    next_due: date | None  # after today, in the decks studied
    due_tomorrow: int
    left_today: int = 0  # cards of today's plan not studied (the session ended early)


def settle(queue: list[QueueItem], requeued_at: dict[int, int],
           answers: int) -> list[QueueItem]:
    """``queue`` with each same-day repeat that is still waiting (failed fewer than
    REPEAT_GAP answers ago) at least that many answers from the front, the rest in order.

    Only the front of the queue can move: up to the last waiting repeat, and as far as the
    most any repeat still needs plus one place for each waiting repeat. Settling the whole
    queue after every grade took 0.8 ms with 36,000 cards due; the front, microseconds."""
    needs = {cid: REPEAT_GAP - (answers - since) for cid, since in requeued_at.items()
             if answers - since < REPEAT_GAP}
    if not needs:
        return queue
    last, found = -1, 0
    for i, item in enumerate(queue):
        if item.bucket == "repeat" and item.card_id in needs:
            last, found = i, found + 1
            if found == len(needs):
                break
    if last < 0:
        return queue
    end = max(last + 1, max(needs.values()) + found)
    waiting: list[tuple[int, int, QueueItem]] = []
    out: list[QueueItem] = []
    for i, item in enumerate(queue[:end]):
        since = requeued_at.get(item.card_id) if item.bucket == "repeat" else None
        needed = REPEAT_GAP - (answers - since) if since is not None else 0
        if needed > 0:
            waiting.append((i, needed, item))
        else:
            out.append(item)
    for i, needed, item in waiting:
        out.insert(min(max(i, needed), len(out)), item)
    queue[:end] = out  # in place: a new list of 36,000 cards due took 50 µs a grade
    return queue


@lru_cache(maxsize=4096)
def _grade_labels(repetitions: int, easiness_x100: int, interval_days: int,
                  lapse_updates_easiness: bool) -> tuple[tuple[int, str], ...]:
    """Each grade's label for a state; states recur, so they are worked out once each."""
    outcomes = sm2.preview(sm2.SM2State.from_x100(repetitions, easiness_x100, interval_days),
                           lapse_updates_easiness=lapse_updates_easiness)
    return tuple((q, AGAIN if q < PASS else f"{interval(s.interval)}, {AGAIN}"
                  if q < REPEAT_UNTIL else interval(s.interval)) for q, s in outcomes.items())


@dataclass
class StudySession:
    store: Store
    deck: Deck | None = None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # more decks studied with ``deck`` (its subdecks: "Parent::Child"); with no deck, these
    # alone (a parent that is only a name)
    subdecks: tuple[int, ...] = ()
    queue: list[QueueItem] = field(default_factory=list)
    history: list[Action] = field(default_factory=list)
    started: datetime = field(init=False)
    _graded: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.started = self.store.now()
        self.reload()

    def reload(self) -> None:
        wanted = {*self.subdecks, *([self.deck.id] if self.deck else [])}
        # the notes come with the plan: gathering looked them up
        plans, self.notes = self.store.planned(wanted or None)
        self._deck_of = {c: p.deck_id for p in plans for c in (*p.reviews, *p.new,
                                                               *p.repeats)}
        # each deck's scheduler: None for SM-2, else the FSRS parameters it schedules with
        self._params = {d: self.store.deck_params(d) for d in {p.deck_id for p in plans}}
        self.queue = order(plans, self.notes)
        self._cards: dict[int, Card] = {}
        self._showings: dict[int, int] = {}
        self._requeued_at: dict[int, int] = {}  # card -> answers given when it was requeued
        self._shown: dict[int, CardState] = {}  # the state each showing card was shown in
        # the next cards and their states, read together (_read_ahead); forgotten whenever
        # anything but a plain grade changes the queue or a card
        self._ahead: dict[int, tuple[Card, CardState]] = {}

    # -- what is showing --------------------------------------------------------------------

    @property
    def current(self) -> QueueItem | None:
        return self.queue[0] if self.queue else None

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
                    self._cards[cid], self._shown[cid] = self.store.showing(cid)
                else:
                    self._shown[cid] = self.store.state(cid)
            elif cid not in self._cards:
                self._cards[cid] = self.store.card(cid)
        except NotFound:  # an import removed it since the queue was built
            self._take_out(cid)
            return self.view()
        card = self._cards[cid]
        if card.kind == "choice" and cid not in self._showings:
            # only a choice card's options depend on its showings: other cards skip the count
            self._showings[cid] = self.store.answer_count(cid)
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
        self._ahead = self.store.showing_many(ids)

    def refresh_card(self, card_id: int) -> None:
        """Read the card again when next shown (it was edited)."""
        self._cards.pop(card_id, None)
        self._ahead.pop(card_id, None)

    def counts(self) -> dict[str, int]:
        c = Counter(item.bucket for item in self.queue)
        return {"new": c["new"], "review": c["review"], "repeat": c["repeat"]}

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
        s = shown or self.store.state(item.card_id)
        params = self._params.get(self._deck_of.get(item.card_id, -1))
        if params is not None:
            days = fsrs_intervals(s, self.store.today(), params, self.store.settings)
            return {q: f"{interval(d)}, {AGAIN}" if q < REPEAT_UNTIL else interval(d)
                    for q, d in days.items()}
        return dict(_grade_labels(s.repetitions, s.easiness_x100, s.interval,
                                  self.store.settings.lapse_updates_easiness))

    @property
    def finished(self) -> bool:
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
            self._take_out(item.card_id)
            self._cards.pop(item.card_id, None)
            if isinstance(exc, NotFound):
                raise StoreError("this card was removed (by an import); showing the next "
                                 "card") from None
            raise
        self.queue.pop(0)
        if graded.edited:  # its new text shows when it comes again
            self.refresh_card(item.card_id)
        self._showings[item.card_id] = self._showings.get(item.card_id, 0) + 1
        if graded.buried or graded.leech:  # other cards changed: read them again
            self._ahead.clear()
        action = Action("grade", item, quality=quality, answer_ms=answer_ms)
        for sibling in graded.buried:
            action.removed += self._take_out(sibling)
        if graded.suspended:
            action.removed += self._take_out(item.card_id)
        elif quality < REPEAT_UNTIL:
            action.requeued = self._requeue(item.card_id)
        self.history.append(action)
        self._graded += 1  # the grades in history: counted on every grade, never summed
        if quality < REPEAT_UNTIL:
            self._requeued_at[item.card_id] = self._graded
        if graded.buried:  # a buried new sibling was never introduced: another takes its place
            self._sync(item.card_id)
        self._settle()
        return graded

    def _record(self, item: QueueItem, quality: int, kind: AnswerKind, answer_ms: int,
                shown: CardState | None) -> Graded:
        """Record a grade; once more on a fresh connection if the save failed (a database
        server that restarted answers now; a full disk refuses again)."""
        card = self._cards.get(item.card_id)
        for attempt in (1, 2):
            try:
                return self.store.record_review(
                    item.card_id, quality, kind, answer_ms=answer_ms,
                    session_id=self.session_id, shown=shown, require_due=True,
                    shown_content=card.content_hash if card is not None else None)
            except CouldNotSave:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _sync(self, card_id: int) -> None:
        """Match the day's plan again, for the deck of ``card_id``, after cards left or came
        back without an answer (a burying, a suspension, their undo): a buried new card was
        never introduced, so another takes its place, as the deck list counts it. Only that
        deck is planned again: all of them took 80 ms at 100,000 cards."""
        self._ahead.clear()
        deck_id = self._deck_of.get(card_id)
        if deck_id is None:
            return
        plans = self.store.plan(None, deck_id=deck_id)
        reviews = [c for p in plans for c in p.reviews]
        new = [c for p in plans for c in p.new]
        wanted = set(reviews) | set(new)
        kept = [q for q in self.queue if q.bucket == "repeat" or q.card_id in wanted
                or self._deck_of.get(q.card_id) != deck_id]
        present = {q.card_id for q in kept if q.bucket != "repeat"}
        added = [c for c in (*reviews, *new) if c not in present]
        kept += [QueueItem.of(c, "review") for c in reviews if c not in present]
        kept += [QueueItem.of(c, "new") for c in new if c not in present]
        if kept != self.queue:
            self.queue = kept
            self._deck_of.update(dict.fromkeys(added, deck_id))
            if added:
                self.notes |= self.store.siblings(set(added))

    def _settle(self) -> None:
        """Keep every same-day repeat at least ten answers after its failure (at the end when
        fewer cards remain): burying and suspending take cards out in front of it."""
        self.queue = settle(self.queue, self._requeued_at, self._graded)

    def _requeue(self, card_id: int) -> int:
        """Put a same-day repeat ten cards on (at the end when fewer remain), not next to a
        card of its own note when it can be helped."""
        at = min(REPEAT_GAP, len(self.queue))
        note = self.notes.get(card_id)
        while note is not None and at < len(self.queue) and (
                self.notes.get(self.queue[at - 1].card_id) == note if at else False):
            at += 1
        self.queue.insert(at, QueueItem.of(card_id, "repeat"))
        return at

    def _take_out(self, card_id: int) -> list[tuple[int, QueueItem]]:
        taken = []
        i = 0
        while i < len(self.queue):
            if self.queue[i].card_id == card_id:
                taken.append((i, self.queue.pop(i)))
            else:
                i += 1
        return taken

    def _front(self) -> QueueItem:
        item = self.current
        if item is None:
            raise LookupError("the session is finished")
        return item

    def suspend(self) -> None:
        self._flag("suspend")

    def bury(self) -> None:
        self._flag("bury")

    def _flag(self, kind: Literal["suspend", "bury"]) -> None:
        item = self._front()
        self._ahead.clear()
        self._shown.pop(item.card_id, None)
        if kind == "suspend":
            self.store.suspend(item.card_id, session_id=self.session_id)
        else:
            self.store.bury_until_tomorrow(item.card_id, session_id=self.session_id)
        self.queue.pop(0)
        self.history.append(Action(kind, item, self._take_out(item.card_id)))
        self._sync(item.card_id)
        self._settle()

    def undo(self) -> UndoneReview | None:
        """Take back this session's last action, whatever it was: the card shows again as it
        was, and whatever the action took out of the queue comes back."""
        if not self.history:
            return None
        self._ahead.clear()
        undone = self.store.undo_last_review(self.session_id)
        if undone is None:  # the log no longer has it (undone elsewhere)
            self.history.clear()
            self._graded = 0
            return None
        action = self.history.pop()
        self._graded -= action.kind == "grade"
        if action.requeued is not None:
            at = action.requeued
            if at < len(self.queue) and self.queue[at].card_id == action.item.card_id:
                del self.queue[at]
            else:
                self._take_out_repeat(action.item.card_id)
        for index, entry in reversed(action.removed):
            self.queue.insert(index, entry)
        self.queue.insert(0, action.item)
        if action.kind == "grade":
            self._showings.pop(action.item.card_id, None)  # read again when it shows
            self._requeued_at.pop(action.item.card_id, None)
        if action.removed or action.kind != "grade":
            self._sync(action.item.card_id)
            if self.queue and self.queue[0] != action.item:  # the card shows again first
                self.queue = [action.item, *[q for q in self.queue if q != action.item]]
        return undone

    def undo_elsewhere(self) -> Undone | None:
        """With none of this session's actions left to undo, the newest action of any session
        (an earlier session's grade, an edit, a deck's deletion): the day's plan is read again,
        and a card it gave back shows first when the plan holds it."""
        undone = self.store.undo_last()
        if undone is None:
            return None
        self.reload()
        place = {item.card_id: i for i, item in reversed(list(enumerate(self.queue)))}
        first = next((place[c] for c in undone.card_ids if c in place), None)
        if first is not None:
            self.queue.insert(0, self.queue.pop(first))
        return undone

    def _take_out_repeat(self, card_id: int) -> None:
        for i, entry in enumerate(self.queue):
            if entry.card_id == card_id and entry.bucket == "repeat":
                del self.queue[i]
                return

    # -- the end ----------------------------------------------------------------------------

    def summary(self) -> Summary:
        answers = [a for a in self.history if a.kind == "grade"]
        grades = Counter(a.quality for a in answers)
        first = [a for a in answers if a.item.bucket != "repeat"]
        passed = sum(1 for a in first if a.quality is not None and a.quality >= PASS)
        scope = {*self.subdecks, *([self.deck.id] if self.deck else [])}
        next_due, tomorrow = self.store.next_due(None, deck_ids=scope or None)
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
