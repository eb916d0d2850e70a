"""A deck's options, or a parent's, and "study more today", from the deck list (o)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.validation import Integer
from textual.widgets import Checkbox, Input, Label, Select, Static

from trainer.render.deck_options import own_settings, shown_value
from trainer.render.words import plural
from trainer.rules import Scheduler
from trainer.store import DeckOptions, DeckTree
from trainer.store.errors import StoreError
from trainer.store.records import OPTIONS, Switched
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerModal
from trainer.tui.widgets.dialogs import ConfirmModal

NUMBERS = ("new_per_day", "reviews_per_day", "leech_lapses")
SWITCHES = ("bury_new_siblings", "bury_review_siblings")
LABELS = {
    "new_per_day": "New cards a day", "reviews_per_day": "Reviews a day",
    "bury_new_siblings": "Bury new siblings", "bury_review_siblings": "Bury review siblings",
    "leech_lapses": "Leech at lapses", "leech_action": "Leech action",
    "more_new": "More new cards today", "more_reviews": "More reviews today",
    "scheduler": "Scheduler", "desired_retention": "FSRS: retention",
    "maximum_interval": "FSRS: longest interval", "keep_due": "Keep due dates",
}
SCHEDULER_CHOICES = [("SM-2 (classic)", "sm2"), ("FSRS", "fsrs")]
SCHEDULER_NAMES = {"sm2": "SM-2", "fsrs": "FSRS"}
UNDER_SHOWN = 3  # the decks that set their own named in the dialog, before "and N more"


def switch_words(switched: Switched) -> str:
    """What a switch does, in one or two lines: the decks, the studied cards worked out
    again, how many get a new due date and how many of them fall due today."""
    name = SCHEDULER_NAMES[switched.scheduler]
    decks = (switched.decks[0] if len(switched.decks) == 1
             else plural(len(switched.decks), "deck"))
    memory = (f"{plural(switched.studied, 'studied card')} worked out again "
              f"({switched.changed} changed)")
    if switched.keep_due:
        return f"Switching {decks} to {name}: {memory}; every due date kept."
    return (f"Switching {decks} to {name}: {memory}; "
            f"{plural(switched.rescheduled, 'card')} get a new due date, "
            f"{switched.due_today} of them due today.")


class DeckOptionsScreen(TrainerModal[bool]):
    """Changed values are saved as the deck's own (they win over config.toml, the deck file
    and its parent's); a value left as shown stays where it came from. A parent's options
    are the default of the decks under it (a parent that is only a name becomes a deck of
    its own to keep them); its scheduler and FSRS's settings are set on every deck under
    it. A scheduler switch says what it will do and asks first."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="options.save", priority=True),
        Binding("escape", "close", "Cancel", id="options.close"),
    ]

    def __init__(self, tree: DeckTree) -> None:
        super().__init__()
        self.decks = tree
        self.current: DeckOptions | None = None
        self.switching = False  # the dialog waits for the switch: no second save, no cancel
        self.mixed = False  # a name whose decks have different schedulers: none shown

    def compose(self) -> ComposeResult:
        """Each option with its value and where the value comes from, then "study more today"."""
        store = self.trainer.store
        tree = self.decks
        found = store.options.of_tree(tree)
        under = store.options.of_decks([d.id for d in tree.subdecks]) if tree.subdecks else {}
        origin = dict(found.origin)
        if tree.deck is None:  # a name has no scheduler: its decks', the most common
            for option in ("scheduler", "desired_retention", "maximum_interval"):
                counted = Counter(getattr(o, option) for o in under.values())
                found = replace(found, **{option: counted.most_common(1)[0][0]})
                origin[option] = "each deck's own" if len(counted) == 1 else "decks differ"
                self.mixed = self.mixed or (option == "scheduler" and len(counted) > 1)
        self.current = found
        title = joined(("Options: ", "bold"), tree.label)
        with Vertical(id="options-dialog"):
            yield Static(title, id="options-title")
            for name in (*NUMBERS[:2], *SWITCHES, NUMBERS[2], "leech_action"):
                with Horizontal(classes="option-row"):
                    yield Label(LABELS[name], classes="option-label")
                    value = getattr(found, name)
                    if name in NUMBERS:
                        yield Input(str(value), id=name, classes="option-value", compact=True,
                                    validators=[Integer(0, 1_000_000)], type="integer")
                    elif name in SWITCHES:
                        yield Checkbox(value=value, id=name, compact=True)
                    else:
                        yield Select([("suspend it", "suspend"), ("only tag it", "tag")],
                                     value=value, allow_blank=False, id=name, compact=True)
                    yield Label(plain(f"({origin[name]})"), classes="option-origin")
            with Horizontal(classes="option-row"):
                yield Label(LABELS["scheduler"], classes="option-label")
                yield Select(SCHEDULER_CHOICES, prompt="(as each deck has it)",
                             value=Select.BLANK if self.mixed else found.scheduler,
                             allow_blank=self.mixed, id="scheduler", compact=True)
                yield Label(plain(f"({origin['scheduler']})"), classes="option-origin")
            with Horizontal(classes="option-row"):
                yield Label(LABELS["keep_due"], classes="option-label")
                yield Checkbox(value=False, id="keep_due", compact=True)
                yield Label(plain("(on a switch: memory only)"), classes="option-origin")
            for name, value in (("desired_retention", f"{found.desired_retention:.2f}"),
                                ("maximum_interval", str(found.maximum_interval))):
                with Horizontal(classes="option-row"):
                    yield Label(LABELS[name], classes="option-label")
                    yield Input(value, id=name, classes="option-value", compact=True)
                    yield Label(plain(f"({origin[name]})"), classes="option-origin")
            yield Static(id="options-switch")
            if tree.subdecks:
                yield Static(plain(self._under_words(found, under), "dim"), id="options-under")
            yield Static(plain("Study more today", "bold"), id="options-more-title")
            for name in ("more_new", "more_reviews"):
                with Horizontal(classes="option-row"):
                    yield Label(LABELS[name], classes="option-label")
                    yield Input("0", id=name, classes="option-value", compact=True,
                                validators=[Integer(0, 1_000_000)], type="integer")
            yield Static(id="options-problem")
            yield Static(plain("ctrl+s: save · escape: cancel · tab: next field", "dim"))

    def _under_words(self, found: DeckOptions, under: dict[int, DeckOptions]) -> str:
        """Which applies under a parent: its decks take these unless they set their own;
        the decks that do, and what."""
        names = {d.id: d.name for d in self.decks.subdecks}
        settings = own_settings(self.decks.name, found,
                                [(names[i], o) for i, o in under.items()])
        n = len(self.decks.subdecks)
        text = (f"Its {plural(n, 'deck')} take these unless they set their own (scheduler "
                "and FSRS: set on each).")
        if not settings:
            return text + " None sets its own."
        by_deck: dict[str, list[str]] = {}
        for s in settings:
            by_deck.setdefault(s.deck, []).append(
                f"{LABELS[s.option].lower()} {shown_value(s.value)}")
        shown = [f"{deck}: {', '.join(what)}" for deck, what in
                 list(by_deck.items())[:UNDER_SHOWN]]
        more = len(by_deck) - len(shown)
        return (text + " Set apart: " + "; ".join(shown)
                + (f"; and {more} more" if more > 0 else "") + ".")

    def on_mount(self) -> None:
        """The first field takes the keys (its cursor steady in tests and snapshots)."""
        for field in self.query(Input):
            field.cursor_blink = self.trainer.cursor_blink
        self.query_one("#new_per_day", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Select.Changed, "#scheduler")
    @on(Checkbox.Changed, "#keep_due")
    def _scheduler_changed(self) -> None:
        """Say what the switch would do, before it is saved."""
        wanted = self._wanted_scheduler()
        if wanted is None:
            self._say("#options-switch", "")
            return
        self._say("#options-switch", "Working out the switch…", "dim")
        self._preview(wanted, self.query_one("#keep_due", Checkbox).value, ask=False)

    def _wanted_scheduler(self) -> Scheduler | None:
        """The scheduler chosen, when it is a switch: None when left as it was."""
        assert self.current is not None
        value = self.query_one("#scheduler", Select).value
        if value not in ("sm2", "fsrs") or (value == self.current.scheduler and not self.mixed):
            return None
        return "fsrs" if value == "fsrs" else "sm2"

    def _preview(self, scheduler: Scheduler, keep_due: bool, ask: bool) -> None:
        """What the switch does, worked out without writing (seconds on a large deck): shown
        under the scheduler, and with ``ask`` put as the question before switching. The
        question's worker is apart from the line's: a newer line never cancels it."""
        self.run_worker(partial(self._work_out, scheduler, keep_due, ask), thread=True,
                        exclusive=True, group="switch-ask" if ask else "switch-preview")

    def _work_out(self, scheduler: Scheduler, keep_due: bool, ask: bool) -> None:
        try:
            switched = self.trainer.store.options.preview_switch(self.decks.ids, scheduler,
                                                                 keep_due=keep_due)
        except StoreError as exc:
            self.app.call_from_thread(self._problem, str(exc))
            return
        self.app.call_from_thread(self._previewed, switched, ask)

    def _previewed(self, switched: Switched, ask: bool) -> None:
        words = switch_words(switched) if switched.decks else ""
        self._say("#options-switch", words, "bold")
        if not ask:
            return
        if not switched.decks:  # every deck already on it: only the other options
            self._save(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._save(switched)
            else:
                self._problem("Nothing saved: the scheduler stays as it was.")
        self.app.push_screen(ConfirmModal(f"{words} Switch now?"), answered)

    def action_save(self) -> None:
        """Check every field; before a scheduler switch, say what it does and ask; then save
        what changed (a switch in a worker, the dialog saying so) and close. A problem keeps
        the dialog open with what was typed."""
        assert self.current is not None
        if self.switching:
            return
        if self._checked() is None:
            return
        wanted = self._wanted_scheduler()
        if wanted is not None:  # said first, then asked
            self._preview(wanted, self.query_one("#keep_due", Checkbox).value, ask=True)
            return
        self._save(None)

    def _checked(self) -> dict[str, object] | None:
        """Every field's value as typed, or None (and a line saying what is wrong)."""
        values: dict[str, object] = {}
        for name in (*NUMBERS, "more_new", "more_reviews"):
            field = self.query_one(f"#{name}", Input)
            result = field.validate(field.value)
            if result is not None and not result.is_valid:
                self._problem(f"{LABELS[name]}: a whole number from 0 to 1,000,000")
                field.focus()
                return None
            values[name] = int(field.value)
        for name in SWITCHES:
            values[name] = self.query_one(f"#{name}", Checkbox).value
        values["leech_action"] = self.query_one("#leech_action", Select).value
        lapses = values["leech_lapses"]
        if not isinstance(lapses, int) or not 1 <= lapses <= 1000:  # as config.toml has it
            self._problem("Leech at lapses: from 1 to 1000")
            return None
        fsrs_values = self._fsrs_values()
        if fsrs_values is None:
            return None
        return values | fsrs_values

    def _save(self, switched: Switched | None) -> None:
        """Save what changed: the parent's own options on the parent (made a deck if it is
        only a name), FSRS's settings and today's more on every deck of the tree; then the
        switch ``switched`` previewed, if any, in a worker."""
        assert self.current is not None
        values = self._checked()
        if values is None:
            return
        more_new, more_reviews = values.pop("more_new"), values.pop("more_reviews")
        assert isinstance(more_new, int) and isinstance(more_reviews, int)
        changed = {k: v for k, v in values.items() if v != getattr(self.current, k)}
        own = {k: v for k, v in changed.items() if k in OPTIONS}
        everywhere = {k: v for k, v in changed.items() if k not in OPTIONS}
        store = self.trainer.store
        try:
            deck = self.decks.deck
            if own and deck is None:
                deck = store.decks.parent_deck(self.decks.name)
                self.notify(f"{deck.name} is now a deck of its own [{deck.key}], with no "
                            "cards: it keeps the options its decks take.", timeout=6)
            if own and deck is not None:
                store.options.set(deck.id, **own)
            for deck_id in self.decks.ids if everywhere else []:
                store.options.set(deck_id, **everywhere)
            if more_new or more_reviews:
                for deck_id in self.decks.ids:
                    store.options.study_more(deck_id, new=more_new, reviews=more_reviews)
        except StoreError as exc:  # the dialog stays open with what was typed, to try again
            self._problem(str(exc))
            return
        if switched is not None:
            # every studied card's state under the other scheduler, worked out from its
            # history: seconds for a large deck, so in a thread, the dialog saying so
            self._say("#options-problem",
                      f"Switching to {SCHEDULER_NAMES[switched.scheduler]}…", "bold")
            self.switching = True
            self._switch(switched.scheduler, switched.keep_due)
            return
        self.dismiss(bool(changed) or bool(more_new or more_reviews))

    @work(thread=True, exclusive=True, group="switch")
    def _switch(self, scheduler: Scheduler, keep_due: bool) -> None:
        try:
            self.trainer.store.options.switch_scheduler(self.decks.ids, scheduler,
                                                        keep_due=keep_due)
        except StoreError as exc:  # nothing switched (one transaction)
            self.app.call_from_thread(self._switch_failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, True)

    def _switch_failed(self, reason: str) -> None:
        self.switching = False
        self._problem(reason)

    def _problem(self, reason: str) -> None:
        self._say("#options-problem", reason, "red")

    def _say(self, where: str, words: str, style: str = "") -> None:
        """A line of the dialog's, shown only while it says something (24 lines hold the
        dialog with it)."""
        line = self.query_one(where, Static)
        line.update(plain(words, style))
        line.display = bool(words)

    def _fsrs_values(self) -> dict[str, object] | None:
        """Desired retention and maximum interval as typed, or None (and a line) if not."""
        retention_field = self.query_one("#desired_retention", Input)
        try:
            retention = round(float(retention_field.value), 4)
        except ValueError:
            retention = -1.0
        if not 0.7 <= retention <= 0.99:
            self._problem("Desired retention: from 0.70 to 0.99")
            retention_field.focus()
            return None
        longest_field = self.query_one("#maximum_interval", Input)
        longest = int(longest_field.value) if longest_field.value.strip().isdigit() else 0
        if not 1 <= longest <= 36500:
            self._problem("Maximum interval: from 1 to 36,500 days")
            longest_field.focus()
            return None
        return {"desired_retention": retention, "maximum_interval": longest}

    def action_close(self) -> None:
        """Close without saving (not while a scheduler switch runs)."""
        if not self.switching:
            self.dismiss(False)

