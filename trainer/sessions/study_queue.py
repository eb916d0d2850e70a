"""A study session's queue: the cards left to show today, in order, and every change to it
(a grade's same-day repeat, the cards a grade or a key press takes out, their return on
undo, the day's plan matched again when cards leave without an answer). The order's rules
are trainer.domain.order's, pure; this keeps the state they work on between key presses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from trainer.domain.order import order, repeat_place, settle
from trainer.domain.plan import DeckPlan
from trainer.rules import REPEAT_UNTIL
from trainer.store import Graded, QueueItem, Store


@dataclass
class Action:
    """One key press of a session, as undo needs it: what was showing, and the queue entries
    it took out (index, entry), in the order it took them. A "note" (a flag, a mark, the
    card's tags) changes no queue: undo takes back its journal ``entry``."""

    kind: Literal["grade", "suspend", "bury", "note"]
    item: QueueItem
    removed: list[tuple[int, QueueItem]] = field(default_factory=list)
    quality: int | None = None
    answer_ms: int = 0
    requeued: int | None = None  # where a same-day repeat went
    entry: int | None = None  # a note's undo journal entry


class StudyQueue:
    """Today's cards for one session, front first, with what the order needs to know about
    them: each card's deck (to plan it again) and note (to keep siblings apart), and when
    each same-day repeat was failed (to keep it REPEAT_GAP answers away)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.items: list[QueueItem] = []
        self.deck_of: dict[int, int] = {}  # card -> its deck, for the plan of one deck
        self.notes: dict[int, tuple[int, str]] = {}  # card -> its note, for cards with siblings
        self.answers = 0  # the grades given: counted on every grade, never summed
        self._requeued_at: dict[int, int] = {}  # card -> answers given when it was requeued

    def load(self, plans: Sequence[DeckPlan], notes: Mapping[int, tuple[int, str]]) -> None:
        """Today's plan as the queue, from the start: the answers given so far still count.
        ``notes`` are the plan's cards' notes, as gathering looked them up with it."""
        self.deck_of = {c: p.deck_id for p in plans for c in (*p.reviews, *p.new, *p.repeats)}
        self.notes = dict(notes)
        self.items = order(plans, self.notes)
        self._requeued_at = {}

    # -- reading ----------------------------------------------------------------------------

    @property
    def current(self) -> QueueItem | None:
        """The card at the front (the one showing), None when the queue is empty."""
        return self.items[0] if self.items else None

    def counts(self) -> dict[str, int]:
        """The cards left in each bucket: the study screen's new / review / repeat."""
        c = Counter(item.bucket for item in self.items)
        return {"new": c["new"], "review": c["review"], "repeat": c["repeat"]}

    # -- changing ---------------------------------------------------------------------------

    def graded(self, item: QueueItem, quality: int, answer_ms: int, graded: Graded) -> Action:
        """The front card was graded (and committed): it leaves the front, the siblings it
        buried and a card the leech action suspended leave the queue, a grade below
        REPEAT_UNTIL comes back today. What undo needs to put it all back is returned."""
        self.items.pop(0)
        action = Action("grade", item, quality=quality, answer_ms=answer_ms)
        for sibling in graded.buried:
            action.removed += self.take_out(sibling)
        if graded.suspended:
            action.removed += self.take_out(item.card_id)
        elif quality < REPEAT_UNTIL:
            action.requeued = self._requeue(item.card_id)
        self.answers += 1
        if quality < REPEAT_UNTIL:
            self._requeued_at[item.card_id] = self.answers
        if graded.buried:  # a buried new sibling was never introduced: another takes its place
            self.sync(item.card_id)
        self._settle()
        return action

    def flagged(self, kind: Literal["suspend", "bury"], item: QueueItem) -> Action:
        """The front card was suspended or buried (and committed): it leaves the queue, with
        its same-day repeats, and the day's plan fills its place."""
        self.items.pop(0)
        action = Action(kind, item, self.take_out(item.card_id))
        self.sync(item.card_id)
        self._settle()
        return action

    def put_back(self, action: Action) -> None:
        """Undo ``action`` in the queue: its card at the front again, its same-day repeat
        gone, what it took out back where it was."""
        self.answers -= action.kind == "grade"
        card_id = action.item.card_id
        if action.requeued is not None:
            at = action.requeued
            if at < len(self.items) and self.items[at].card_id == card_id:
                del self.items[at]
            else:
                self._take_out_repeat(card_id)
        for index, entry in reversed(action.removed):
            self.items.insert(index, entry)
        self.items.insert(0, action.item)
        if action.kind == "grade":
            self._requeued_at.pop(card_id, None)
        if action.removed or action.kind != "grade":
            self.sync(card_id)
            if self.items and self.items[0] != action.item:  # the card shows again first
                self.items = [action.item, *[q for q in self.items if q != action.item]]

    def show_first(self, card_ids: Iterable[int]) -> None:
        """The first of ``card_ids`` the queue holds moves to the front (an undo elsewhere
        gave it back: it shows next)."""
        place = {item.card_id: i for i, item in reversed(list(enumerate(self.items)))}
        first = next((place[c] for c in card_ids if c in place), None)
        if first is not None:
            self.items.insert(0, self.items.pop(first))

    def take_out(self, card_id: int) -> list[tuple[int, QueueItem]]:
        """Every entry of ``card_id`` out of the queue, each with the index it had when taken
        (in the order taken: putting them back in reverse restores the queue)."""
        taken = []
        i = 0
        while i < len(self.items):
            if self.items[i].card_id == card_id:
                taken.append((i, self.items.pop(i)))
            else:
                i += 1
        return taken

    def sync(self, card_id: int) -> None:
        """Match the day's plan again, for the deck of ``card_id``, after cards left or came
        back without an answer (a burying, a suspension, their undo): a buried new card was
        never introduced, so another takes its place, as the deck list counts it. Only that
        deck is planned again: all of them took 80 ms at 100,000 cards."""
        deck_id = self.deck_of.get(card_id)
        if deck_id is None:
            return
        plans = self.store.queue.plan(None, deck_id=deck_id)
        reviews = [c for p in plans for c in p.reviews]
        new = [c for p in plans for c in p.new]
        wanted = set(reviews) | set(new)
        kept = [q for q in self.items if q.bucket == "repeat" or q.card_id in wanted
                or self.deck_of.get(q.card_id) != deck_id]
        present = {q.card_id for q in kept if q.bucket != "repeat"}
        added = [c for c in (*reviews, *new) if c not in present]
        kept += [QueueItem.of(c, "review") for c in reviews if c not in present]
        kept += [QueueItem.of(c, "new") for c in new if c not in present]
        if kept != self.items:
            self.items = kept
            self.deck_of.update(dict.fromkeys(added, deck_id))
            if added:
                self.notes |= self.store.queue.siblings(set(added))

    def _settle(self) -> None:
        """Keep every same-day repeat at least ten answers after its failure (at the end when
        fewer cards remain): burying and suspending take cards out in front of it."""
        self.items = settle(self.items, self._requeued_at, self.answers)

    def _requeue(self, card_id: int) -> int:
        """Put a same-day repeat ten cards on (at the end when fewer remain), not next to a
        card of its own note when it can be helped."""
        at = repeat_place(self.items, self.notes, card_id)
        self.items.insert(at, QueueItem.of(card_id, "repeat"))
        return at

    def _take_out_repeat(self, card_id: int) -> None:
        for i, entry in enumerate(self.items):
            if entry.card_id == card_id and entry.bucket == "repeat":
                del self.items[i]
                return
