"""A deck's options, and "study more today", from the deck list (o)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.validation import Integer
from textual.widgets import Checkbox, Input, Label, Select, Static

from trainer.rules import Scheduler
from trainer.store import Deck, DeckOptions
from trainer.store.errors import StoreError
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerModal

NUMBERS = ("new_per_day", "reviews_per_day", "leech_lapses")
SWITCHES = ("bury_new_siblings", "bury_review_siblings")
LABELS = {
    "new_per_day": "New cards a day", "reviews_per_day": "Reviews a day",
    "bury_new_siblings": "Bury new siblings", "bury_review_siblings": "Bury review siblings",
    "leech_lapses": "Leech at lapses", "leech_action": "Leech action",
    "more_new": "More new cards today", "more_reviews": "More reviews today",
    "scheduler": "Scheduler", "desired_retention": "FSRS: retention",
    "maximum_interval": "FSRS: longest interval",
}
SCHEDULER_CHOICES = [("SM-2 (classic)", "sm2"), ("FSRS", "fsrs")]


class DeckOptionsScreen(TrainerModal[bool]):
    """Changed values are saved as the deck's own (they win over config.toml and the deck
    file); a value left as shown stays where it came from."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="options.save", priority=True),
        Binding("escape", "close", "Cancel", id="options.close"),
    ]

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck
        self.current: DeckOptions | None = None
        self.switching = False  # the dialog waits for the switch: no second save, no cancel

    def compose(self) -> ComposeResult:
        """Each option with its value and where the value comes from, then "study more today"."""
        found = self.current = self.trainer.store.options.of(self.deck.id)
        with Vertical(id="options-dialog"):
            yield Static(joined(("Options: ", "bold"), self.deck.name), id="options-title")
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
                    yield Label(plain(f"({found.origin[name]})"), classes="option-origin")
            with Horizontal(classes="option-row"):
                yield Label(LABELS["scheduler"], classes="option-label")
                yield Select(SCHEDULER_CHOICES, value=found.scheduler, allow_blank=False,
                             id="scheduler", compact=True)
                yield Label(plain(f"({found.origin['scheduler']})"), classes="option-origin")
            for name, value in (("desired_retention", f"{found.desired_retention:.2f}"),
                                ("maximum_interval", str(found.maximum_interval))):
                with Horizontal(classes="option-row"):
                    yield Label(LABELS[name], classes="option-label")
                    yield Input(value, id=name, classes="option-value", compact=True)
                    yield Label(plain(f"({found.origin[name]})"), classes="option-origin")
            yield Static(plain("Study more today", "bold"), id="options-more-title")
            for name in ("more_new", "more_reviews"):
                with Horizontal(classes="option-row"):
                    yield Label(LABELS[name], classes="option-label")
                    yield Input("0", id=name, classes="option-value", compact=True,
                                validators=[Integer(0, 1_000_000)], type="integer")
            yield Static(id="options-problem")
            yield Static(plain("ctrl+s: save · escape: cancel · tab: next field", "dim"))

    def on_mount(self) -> None:
        """The first field takes the keys."""
        self.query_one("#new_per_day", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check every field, save what changed (a switch of scheduler in a worker, the dialog
        saying so), then close; a problem keeps the dialog open with what was typed."""
        assert self.current is not None
        if self.switching:
            return
        values: dict[str, object] = {}
        for name in (*NUMBERS, "more_new", "more_reviews"):
            field = self.query_one(f"#{name}", Input)
            result = field.validate(field.value)
            if result is not None and not result.is_valid:
                self._problem(f"{LABELS[name]}: a whole number from 0 to 1,000,000")
                field.focus()
                return
            values[name] = int(field.value)
        for name in SWITCHES:
            values[name] = self.query_one(f"#{name}", Checkbox).value
        values["leech_action"] = self.query_one("#leech_action", Select).value
        lapses = values["leech_lapses"]
        if not isinstance(lapses, int) or not 1 <= lapses <= 1000:  # as config.toml has it
            self._problem("Leech at lapses: from 1 to 1000")
            return
        fsrs_values = self._fsrs_values()
        if fsrs_values is None:
            return
        values |= fsrs_values
        scheduler = self.query_one("#scheduler", Select).value
        more_new, more_reviews = values.pop("more_new"), values.pop("more_reviews")
        assert isinstance(more_new, int) and isinstance(more_reviews, int)
        changed = {k: v for k, v in values.items() if v != getattr(self.current, k)}
        store = self.trainer.store
        try:
            if changed:
                store.options.set(self.deck.id, **changed)
            if more_new or more_reviews:
                store.options.study_more(self.deck.id, new=more_new, reviews=more_reviews)
        except StoreError as exc:  # the dialog stays open with what was typed, to try again
            self._problem(str(exc))
            return
        if scheduler != self.current.scheduler:
            # every studied card's state under the other scheduler, worked out from its
            # history: seconds for a large deck, so in a thread, the dialog saying so
            self.query_one("#options-problem", Static).update(plain(
                f"Switching to {'FSRS' if scheduler == 'fsrs' else 'SM-2'}…",
                "bold"))
            self.switching = True
            self._switch("fsrs" if scheduler == "fsrs" else "sm2")
            return
        self.dismiss(bool(changed) or bool(more_new or more_reviews))

    @work(thread=True, exclusive=True, group="switch")
    def _switch(self, scheduler: Scheduler) -> None:
        try:
            self.trainer.store.options.switch_scheduler(self.deck.id, scheduler)
        except StoreError as exc:  # nothing switched (one transaction)
            self.app.call_from_thread(self._switch_failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, True)

    def _switch_failed(self, reason: str) -> None:
        self.switching = False
        self._problem(reason)

    def _problem(self, reason: str) -> None:
        self.query_one("#options-problem", Static).update(plain(reason, "red"))

    def _fsrs_values(self) -> dict[str, object] | None:
        """Desired retention and maximum interval as typed, or None (and a line) if not."""
        problem = self.query_one("#options-problem", Static)
        retention_field = self.query_one("#desired_retention", Input)
        try:
            retention = round(float(retention_field.value), 4)
        except ValueError:
            retention = -1.0
        if not 0.7 <= retention <= 0.99:
            problem.update(plain("Desired retention: from 0.70 to 0.99", "red"))
            retention_field.focus()
            return None
        longest_field = self.query_one("#maximum_interval", Input)
        longest = int(longest_field.value) if longest_field.value.strip().isdigit() else 0
        if not 1 <= longest <= 36500:
            problem.update(plain("Maximum interval: from 1 to 36,500 days", "red"))
            longest_field.focus()
            return None
        return {"desired_retention": retention, "maximum_interval": longest}

    def action_close(self) -> None:
        """Close without saving (not while a scheduler switch runs)."""
        if not self.switching:
            self.dismiss(False)
