"""The card browser's state and actions, without a screen: the search and its sort, the cards
found, the selected ones, and each action on one card or many (suspend, bury, reset, reschedule,
move, tag, delete, flag, mark), every one a single entry on the store's undo stack. The
browse screen shows this and dispatches its keys here; tests drive it directly."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from trainer.formats.limits import tag_problems
from trainer.query import Node, parse
from trainer.render.card_detail import fields, history_lines, state_line
from trainer.render.words import plural
from trainer.rules import flag_name
from trainer.store import Deck, Store, Undone
from trainer.store.errors import StoreError
from trainer.store.records import Change, FoundCard, SearchResult

SORTABLE = ["deck", "prompt", "kind", "due", "interval", "ease", "lapses", "reviews", "flag"]
MAIN_FIELDS = 4  # card, kind, prompt (or text and gap), answer: above the state and history
MAX_DAYS = 36_500  # how far ahead "due in" reaches: a hundred years


@dataclass(frozen=True)
class BrowseRow:
    """One found card as the table shows it, before it is cut to the columns' widths."""

    card_id: int
    selected: bool
    prompt: str  # on one line; a cloze's gap answer first, as its gaps share their text
    deck: str
    kind: str
    due: str  # "new", the day, or what keeps it from coming: retired, suspended, buried
    interval: int
    ease: str
    lapses: int
    reviews: int
    dim: bool  # retired or suspended: out of study
    flag: int = 0  # the student's flag (rules.FLAG_COLOURS), 0 none
    marked: bool = False  # Anki's mark: the `marked` tag


@dataclass(frozen=True)
class CardDetail:
    """The selected card in full: its main fields, its state, its history (oldest first),
    then the rest of its fields."""

    main: list[tuple[str, str]]
    state: str
    history: list[str]
    rest: list[tuple[str, str]]


@dataclass(frozen=True)
class Done:
    """What an action did, in words; ``undoable`` when it left an entry on the undo stack."""

    message: str
    undoable: bool = True


@dataclass(frozen=True)
class Pending:
    """An action on cards, decided but not yet done: its name (a confirmation's words), the
    cards it changes, and the change itself (None as its result: nothing to say)."""

    verb: str
    ids: list[int]
    run: Callable[[], Done | None]

    @property
    def question(self) -> str:
        """The confirmation asked before changing more than one card."""
        return f"{self.verb} {len(self.ids)} cards?"


@dataclass
class BrowseSession:
    """One visit to the browser: what is searched, how it is sorted, what was found and
    which cards are selected. Its actions change the selected cards, else the one under the
    cursor, each as one action the undo stack takes back whole."""

    store: Store
    query_text: str = ""
    sort: str = "deck"
    descending: bool = False
    result: SearchResult = field(default_factory=lambda: SearchResult(0, []))
    selected: set[int] = field(default_factory=set)
    session_id: str = field(default_factory=lambda: f"browse-{uuid.uuid4().hex[:8]}")

    # -- searching --------------------------------------------------------------------------

    def parsed(self) -> Node | None:
        """The search, parsed; QueryError says where it is wrong."""
        return parse(self.query_text)

    def find(self, node: Node | None) -> SearchResult:
        """The cards ``node`` matches, in the session's sort (read only: a newer search may
        have replaced this one by the time it is found, so ``found`` keeps it)."""
        return self.store.search.cards(node, sort=self.sort, descending=self.descending)

    def found(self, result: SearchResult) -> None:
        """``result`` is what the browser shows now."""
        self.result = result

    def new_query(self, text: str) -> None:
        """Search for ``text`` from now on; the selection goes, as it was for the old search."""
        self.query_text = text
        self.selected.clear()

    def sort_by(self, key: str) -> bool:
        """Sort by ``key`` (a column's header): the same key again turns the order round.
        False when the column does not sort."""
        if key not in SORTABLE:
            return False
        self.descending = not self.descending if key == self.sort else False
        self.sort = key
        return True

    def next_sort(self) -> None:
        """The next column to sort by, ascending."""
        self.sort = SORTABLE[(SORTABLE.index(self.sort) + 1) % len(SORTABLE)]
        self.descending = False

    def status(self) -> str:
        """The line above the table: how many cards match, how many show, the order and the
        selection."""
        result = self.result
        shown = len(result.cards)
        order = f"sorted by {self.sort}{' (descending)' if self.descending else ''}"
        more = f", the first {shown} shown" if shown < result.total else ""
        selected = f" · {len(self.selected)} selected" if self.selected else ""
        return f"{plural(result.total, 'card')}{more} · {order}{selected}"

    def selected_status(self, status: str) -> str:
        """``status`` (the line as it shows) with its count of selected cards brought up to
        date."""
        parts = [t for t in status.split(" · ") if not t.endswith("selected")]
        if self.selected:
            parts.append(f"{len(self.selected)} selected")
        return " · ".join(parts)

    # -- the cards found --------------------------------------------------------------------

    def rows(self) -> list[BrowseRow]:
        """Every card found, as a row of the table."""
        today = self.store.today()
        return [self._row(c, today) for c in self.result.cards]

    def _row(self, c: FoundCard, today: date) -> BrowseRow:
        due = "new" if c.due is None else c.due.isoformat()
        if c.retired:
            due = "retired"
        elif c.suspended:
            due = "suspended"
        elif c.buried_until is not None and c.buried_until > today:
            due = "buried"
        prompt = f"[{c.answer}] {c.prompt}" if c.kind == "cloze" else c.prompt
        return BrowseRow(c.id, c.id in self.selected, " ".join(prompt.split()), c.deck_key,
                         c.kind, due, c.interval, f"{c.easiness_x100 / 100:.2f}", c.lapses,
                         c.reviews, c.retired or c.suspended, c.flag, c.marked)

    def card_at(self, row: int) -> int | None:
        """The card of the table's ``row``; None past the last."""
        cards = self.result.cards
        return cards[row].id if row < len(cards) else None

    def detail(self, card_id: int) -> CardDetail:
        """The card in full, read now (StoreError when it cannot be read)."""
        store = self.store
        card = store.cards.get(card_id)
        deck = store.decks.get(card.deck_id)
        state = store.cards.state(card_id)
        history = store.cards.history(card_id)
        retired = store.cards.is_retired(card_id)
        every = fields(card, deck.key)
        main = MAIN_FIELDS + (card.kind == "cloze")
        return CardDetail(every[:main], state_line(state, retired), history_lines(history),
                          every[main:])

    # -- selecting (Anki's "marked" is a tag: see mark) -------------------------------------

    def toggle_select(self, card_id: int) -> bool:
        """Select the card, or leave it out again; whether it is selected now."""
        self.selected ^= {card_id}
        return card_id in self.selected

    def select_all(self) -> None:
        """Select every card shown; none when they all were."""
        everything = {c.id for c in self.result.cards}
        self.selected = set() if self.selected >= everything else everything

    def targets(self, current: int | None) -> list[int]:
        """The cards an action changes: the selected ones, else ``current`` (the cursor's)."""
        if self.selected:
            return [c.id for c in self.result.cards if c.id in self.selected]
        return [] if current is None else [current]

    # -- actions ----------------------------------------------------------------------------

    def perform(self, pending: Pending) -> Done | None:
        """Do ``pending`` (committed); the selection goes once it is done (a StoreError leaves
        them, to try again)."""
        done = pending.run()
        self.selected.clear()
        return done

    def suspend(self, ids: list[int]) -> Pending:
        """Suspend the cards; unsuspend them when every one is suspended already."""
        if self._all(ids, lambda c: c.suspended):
            return self._change("Unsuspend", "unsuspend", ids)
        return self._change("Suspend", "suspend", ids)

    def bury(self, ids: list[int]) -> Pending:
        """Bury the cards until tomorrow; unbury them when every one is buried already."""
        today = self.store.today()
        if self._all(ids, lambda c: c.buried_until is not None and c.buried_until > today):
            return self._change("Unbury", "unbury", ids)
        return self._change("Bury", "bury", ids)

    def reset(self, ids: list[int]) -> Pending:
        """Make the cards new again (their history is kept)."""
        return self._change("Reset to new", "reset", ids)

    def reschedule(self, ids: list[int], days: str) -> Pending:
        """Make the cards due ``days`` from today (0 is today): the number as the student
        typed it, which ``days_problem`` passed."""
        return self._change(f"Due in {days} days", "reschedule", ids, int(days))

    def move(self, ids: list[int], deck_name: str) -> Pending:
        """Move the cards, with their progress, to the deck ``deck_name`` names (a key or a
        name; StoreError when none does)."""
        deck = self.store.decks.find(deck_name)

        def run() -> Done:
            moved = self.store.cards.move_many(ids, deck.id)
            return Done(f"Moved {plural(len(moved), 'card')} to {deck.key}")
        return Pending(f"Move to {deck.key}", ids, run)

    def tag(self, ids: list[int], tag: str, add: bool) -> Pending:
        """Add ``tag`` to the cards, or (``add`` False) remove it."""
        def run() -> Done | None:
            changed = self.store.cards.tag_many(ids, tag, add)
            if not changed:
                return None
            return Done(f"{'Tagged' if add else 'Untagged'} {plural(len(changed), 'card')} {tag}")
        return Pending(f"{'Tag' if add else 'Untag'} {tag}:", ids, run)

    def flag_of(self, ids: list[int]) -> int:
        """The flag the cards share (the flag picker's "now"), 0 when they do not."""
        flags = {c.flag for c in self.result.cards if c.id in set(ids)}
        return flags.pop() if len(flags) == 1 else 0

    def flag(self, ids: list[int], colour: int) -> Pending:
        """Flag the cards ``colour`` (ctrl+1…7); take the flag off when every one has it
        already, as Anki does (0 takes it off in any case)."""
        if colour and self._all(ids, lambda c: c.flag == colour):
            colour = 0
        verb = f"Flag {flag_name(colour)}" if colour else "Take the flag off"

        def run() -> Done | None:
            changed = self.store.cards.flag(ids, colour).card_ids
            if not changed:
                return None
            cards = plural(len(changed), "card")
            return Done(f"Flagged {cards} {flag_name(colour)}" if colour
                        else f"Took the flag off {cards}")
        return Pending(verb, ids, run)

    def mark(self, ids: list[int]) -> Pending:
        """Mark the cards (Anki's `marked` tag), or unmark them when every one is marked."""
        marked = not self._all(ids, lambda c: c.marked)

        def run() -> Done | None:
            changed = self.store.cards.mark(ids, marked).card_ids
            if not changed:
                return None
            return Done(f"{'Marked' if marked else 'Unmarked'} {plural(len(changed), 'card')}")
        return Pending("Mark" if marked else "Unmark", ids, run)

    def tags_of(self, card_id: int) -> str:
        """The card's own tags, as the tag editor shows them."""
        return " ".join(self.store.cards.get(card_id).tags)

    def set_tags(self, card_id: int, tags: str) -> Pending:
        """The card's own tags become the words of ``tags`` (t on one card)."""
        def run() -> Done | None:
            if self.store.cards.set_tags(card_id, tags.split()).entry_id is None:
                return None
            return Done(f"Tags: {' '.join(tags.split()) or '(none)'}")
        return Pending("Set the tags of", [card_id], run)

    def retire(self, ids: list[int]) -> Pending:
        """Delete the cards: retired, their reviews kept, back with undo."""
        def run() -> Done | None:
            changed = self.store.cards.retire_many(ids)
            if not changed:
                return None
            return Done(f"Deleted (retired) {plural(len(changed), 'card')}")
        return Pending("Delete (retire, reviews kept)", ids, run)

    def undo(self) -> Undone | None:
        """Take back the newest action of any session, this browser's or another's (the one
        undo stack, kept in the database); None when there is nothing to undo."""
        return self.store.undo.last()

    def deck_of(self, card_id: int) -> Deck:
        """The deck ``card_id`` is in: where a card added beside it goes."""
        return self.store.decks.get(self.store.cards.get(card_id).deck_id)

    # -- checking what the student types ----------------------------------------------------

    def deck_problem(self, value: str) -> str | None:
        """Why no deck is found by ``value`` (a key or a name); None when one is."""
        try:
            self.store.decks.find(value)
        except StoreError as exc:
            return str(exc)
        return None

    @staticmethod
    def days_problem(value: str) -> str | None:
        """Why ``value`` is not a number of days for "due in"; None when it is."""
        ok = value.isdigit() and int(value) <= MAX_DAYS
        return None if ok else "a whole number of days from 0 (today) to 36,500"

    @staticmethod
    def tags_problem(value: str) -> str | None:
        """Why a line of tags (a card's, separated by spaces) cannot be saved; None when it
        can."""
        problems = [p for tag in value.split() for p in tag_problems(tag)]
        return "; ".join(dict.fromkeys(problems)) or None

    @staticmethod
    def tag_problem(value: str, add: bool) -> str | None:
        """Why ``value`` cannot be added as a tag (or, ``add`` False, removed); None when it
        can."""
        if add:
            return "; ".join(tag_problems(value)) or None
        return None if value.split() == [value] else "a tag is one word without spaces"

    # -- helpers ----------------------------------------------------------------------------

    def _change(self, verb: str, change: Change, ids: list[int], days: int = 0) -> Pending:
        def run() -> Done:
            n = self.store.cards.change_many(ids, change, days=days, session_id=self.session_id)
            if not n:
                return Done(f"Nothing to {verb.lower()}: already so.", undoable=False)
            return Done(f"{verb}: {plural(n, 'card')}")
        return Pending(verb, ids, run)

    def _all(self, ids: list[int], test: Callable[[FoundCard], bool]) -> bool:
        cards = [c for c in self.result.cards if c.id in set(ids)]
        return bool(cards) and all(test(c) for c in cards)
