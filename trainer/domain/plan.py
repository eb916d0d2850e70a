"""Today's plan, gathered like Anki's v3 queue: each deck's same-day repeats, then its due
reviews (most overdue first) within its review limit, then its new cards (in deck order)
within its new limit; a card whose note already has a card in the plan is left out when its
deck buries siblings of its kind, and another takes its place within the limit. So the plan
never holds two cards of one note, a due review is never postponed for a new sibling, and
the counts a deck shows are exactly the cards studying it gives.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Room:
    """What a deck may still take today: its limits less what it already gave."""

    new: int
    reviews: int

    @classmethod
    def left(cls, new_limit: int, review_limit: int, new_done: int,
             reviews_done: int) -> Room:
        return cls(max(0, new_limit - new_done), max(0, review_limit - reviews_done))


@dataclass(frozen=True, slots=True)
class Burying:
    """A deck's sibling rules: which kinds of card leave the day when a card of their note
    is in it (Anki's "bury new siblings" and "bury review siblings")."""

    new: bool = True
    reviews: bool = True


@dataclass(slots=True)
class DeckPlan:
    """One deck's part of today's plan: card ids, in the order they should come."""

    deck_id: int
    reviews: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)

    def cards(self) -> list[int]:
        return [*self.repeats, *self.reviews, *self.new]

    def __len__(self) -> int:
        return len(self.repeats) + len(self.reviews) + len(self.new)


@dataclass(frozen=True, slots=True)
class Candidates:
    """The cards that could be studied today, in the order they would be taken.

    ``repeats`` and ``due`` are (card, deck) pairs; ``new`` each deck's new cards in deck
    order, and ``more_new`` the decks whose list was cut short (there may be more)."""

    repeats: Sequence[tuple[int, int]] = ()
    due: Iterable[tuple[int, int]] = ()
    new: Mapping[int, Sequence[int]] = field(default_factory=dict)
    more_new: Collection[int] = ()


@dataclass(slots=True)
class Gathered:
    """The plans, and what gathering needs to know before it can be sure of them: the
    decks whose new cards ran out before their room did while more may exist."""

    plans: list[DeckPlan]
    short_of_new: set[int] = field(default_factory=set)

    def card_ids(self) -> set[int]:
        return {c for p in self.plans for c in p.cards()}


def gather(rooms: Mapping[int, Room], burying: Mapping[int, Burying], found: Candidates,
           notes: Mapping[int, Hashable]) -> Gathered:
    """Each deck's plan within its room. ``notes`` names the note of every card that has
    siblings (a card not in it is alone in its note); a card whose note is already in the
    plan is left out when its deck buries its kind. Repeats are never left out, and are
    gathered first, as Anki gathers its learning cards first."""
    plans = {did: DeckPlan(did) for did in rooms}
    # A same-day repeat leaves its note's other cards alone: its answer buried what it had
    # to (trainer.domain.answer.to_bury), and a review it left, it left to come today
    seen: set[Hashable] = set()
    for cid, did in found.repeats:
        plan = plans.get(did)
        if plan is not None:
            plan.repeats.append(cid)
    taken = {c for p in plans.values() for c in p.repeats}
    room = {did: r.reviews for did, r in rooms.items()}
    if not notes and len(rooms) == 1:
        # No card known to have siblings, one deck: its due cards in order, up to its room
        # (36,000 due cards at 100,000: 3 ms, against 25 ms taken one by one)
        (only,) = rooms
        plans[only].reviews = [cid for cid, did in found.due
                               if did == only and cid not in taken][:room[only]]
    else:
        for cid, did in found.due:
            if not room.get(did) or cid in taken:
                continue
            note = notes.get(cid)
            if note is not None:
                if note in seen and burying.get(did, Burying()).reviews:
                    continue
                seen.add(note)
            plans[did].reviews.append(cid)
            room[did] -= 1
    short: set[int] = set()
    for did, r in rooms.items():
        left = r.new
        if not left:
            continue
        bury = burying.get(did, Burying()).new
        new = plans[did].new
        for cid in found.new.get(did, ()):
            note = notes.get(cid)
            if note is not None:
                if note in seen and bury:
                    continue
                seen.add(note)
            new.append(cid)
            left -= 1
            if not left:
                break
        if left and did in found.more_new:
            short.add(did)
    return Gathered(list(plans.values()), short)


def capped(plans: Sequence[DeckPlan], left: int | None) -> list[DeckPlan]:
    """The overall daily limit, last: reviews before new cards, deck by deck; repeats are
    never cut. ``left`` is what the limit leaves today (None: no overall limit)."""
    if left is None:
        return list(plans)
    out = [DeckPlan(p.deck_id, list(p.reviews), list(p.new), list(p.repeats)) for p in plans]
    for part in ("reviews", "new"):
        for p in out:
            ids: list[int] = getattr(p, part)
            del ids[left:]
            left -= len(ids)
    return out


def counts(plans: Iterable[DeckPlan]) -> tuple[int, int, int]:
    """(new, reviews, repeats) of some plans together."""
    new = reviews = repeats = 0
    for p in plans:
        new, reviews, repeats = new + len(p.new), reviews + len(p.reviews), \
            repeats + len(p.repeats)
    return new, reviews, repeats
