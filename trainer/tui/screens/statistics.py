"""The statistics screen: deck/tag and period selectors, a summary, and charts."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Select, Static, TabbedContent, TabPane

from trainer.render.deck_tree import deck_tree
from trainer.render.words import clip, minutes, pct, plural, visible
from trainer.rules import MATURE_DAYS
from trainer.sessions.target import AllDecks, OneDeck, ParentName, StudyTarget
from trainer.simulation import deck_forecast
from trainer.stats import PERIODS, compute, studied
from trainer.stats.figures import Figures
from trainer.store import DeckTree, Store
from trainer.store.errors import StoreError
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen
from trainer.tui.widgets.charts import columns, falling, hbars, heatmap
from trainer.tui.widgets.scheduler_pane import SchedulerPane

SIMULATED_DAYS = 60  # the Scheduler tab's forecast: a column a day
PERIOD_LABELS = {"today": "Today", "7d": "7 days", "30d": "30 days", "1y": "1 year",
                 "all": "All time"}


def scope_value(target: StudyTarget) -> str:
    """The scope choice's value for a deck list's row."""
    if isinstance(target, OneDeck):
        return f"deck:{target.key}"
    if isinstance(target, ParentName):
        return f"parent:{target.name}"
    return "all"


def _tree(store: Store, scope: str) -> DeckTree | None:
    """The decks of a scope choice's value: None for all decks and for a tag."""
    if scope.startswith("deck:"):
        return store.decks.tree(scope[5:])
    if scope.startswith("parent:"):
        return store.decks.tree(scope[7:], by_name=True)
    return None


class StatsScreen(TrainerScreen[None]):
    """The statistics of a scope (every deck, one deck, a tag) over a period, in five tabs:
    overview, forecast and history, calendar and hours, cards, and the scheduler's forecast."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="stats.back"),
        Binding("1", "tab('overview')", "Overview", id="stats.tab1"),
        Binding("2", "tab('forecast')", "Forecast", id="stats.tab2"),
        Binding("3", "tab('calendar')", "Calendar", id="stats.tab3"),
        Binding("4", "tab('cards')", "Cards", id="stats.tab4"),
        Binding("5", "tab('scheduler')", "Scheduler", id="stats.tab5"),
        # the page keys scroll the figures at once, wherever the focus is
        Binding("pagedown", "scroll('scroll_page_down')", "Page down", show=False, priority=True,
                id="stats.pagedown"),
        Binding("pageup", "scroll('scroll_page_up')", "Page up", show=False, priority=True,
                id="stats.pageup"),
        Binding("end", "scroll('scroll_end')", "End", show=False, priority=True,
                id="stats.end"),
        Binding("home", "scroll('scroll_home')", "Home", show=False, priority=True,
                id="stats.home"),
    ]

    def __init__(self, target: StudyTarget | None = None) -> None:
        """``target``: the scope it opens on (the deck list's selected row; all decks)."""
        super().__init__()
        self.scope_value = scope_value(target or AllDecks())
        self.period = "1y"
        self._simulated: str | None = None  # the scope the Scheduler tab shows

    def compose(self) -> ComposeResult:
        """The scope and period choices and the five tabs, empty until the figures come."""
        # the decks and tags join the scope list from the worker: no query on the UI thread
        options: list[tuple[Text | str, str]] = [("All decks", "all")]
        if self.scope_value != "all":  # its own name comes with the others
            options.append(("…", self.scope_value))
        with Horizontal(id="stats-controls"):
            yield Select(options, value=self.scope_value, allow_blank=False, id="stats-scope")
            yield Select([(label, key) for key, label in PERIOD_LABELS.items()], value="1y",
                         allow_blank=False, id="stats-period")
        with TabbedContent(id="stats-tabs"):
            with TabPane("1 Overview", id="overview"), VerticalScroll():
                yield Static(plain("Computing…", "dim"), id="stats-summary")
                yield Static(id="stats-retention")
            with TabPane("2 Forecast & history", id="forecast"), VerticalScroll():
                yield Static(id="stats-forecast")
                yield Static(id="stats-history")
            with TabPane("3 Calendar & hours", id="calendar"), VerticalScroll():
                yield Static(id="stats-heatmap")
                yield Static(id="stats-hourly")
            with TabPane("4 Cards", id="cards"), VerticalScroll():
                yield Static(id="stats-intervals")
                yield Static(id="stats-hardest")
                yield Static(id="stats-decks")
            with TabPane("5 Scheduler", id="scheduler"), VerticalScroll():
                yield SchedulerPane(id="stats-scheduler")
        yield Footer()

    def on_mount(self) -> None:
        """The scopes and the figures, both read in workers."""
        self.load_scopes()
        self.load()

    @work(thread=True, group="stats-scopes")
    def load_scopes(self) -> None:
        """The decks (a parent that is only a name too) and tags for the scope choice, read
        off the UI thread."""
        store = self.trainer.store
        options: list[tuple[Text | str, str]] = [("All decks", "all")]
        rows = deck_tree([(name, key, {}, None) for key, name in store.decks.names()])
        options += [(plain(row.path), scope_value(
            OneDeck(row.key) if row.key is not None else ParentName(row.path)))
            for row in rows]
        options += [(plain(f"tag: {tag}"), f"tag:{tag}") for tag in store.cards.tags()]
        self.app.call_from_thread(self._scopes, options)

    def _scopes(self, options: list[tuple[Text | str, str]]) -> None:
        scope = self.query_one("#stats-scope", Select)
        with scope.prevent(Select.Changed):
            scope.set_options(options)
            scope.value = self.scope_value

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        if event.select.id == "stats-scope":
            self.scope_value = str(event.value)
        else:
            self.period = str(event.value)
        self.load()
        self._simulated = None
        if self.query_one(TabbedContent).active == "scheduler":
            self.simulate()

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        # the simulation takes seconds on a large collection: only when its tab is opened
        if event.pane.id == "scheduler" and self._simulated != self.scope_value:
            self.simulate()

    @work(thread=True, exclusive=True, group="stats-scheduler")
    def simulate(self) -> None:
        """The scheduler tab's forecast for the scope, simulated off the UI thread (seconds on a
        large collection: only when the tab is opened)."""
        store, scope = self.trainer.store, self.scope_value
        pane = self.query_one("#stats-scheduler", SchedulerPane)
        tree = _tree(store, scope)
        label = tree.name if tree else "all decks" + (" (a tag's cards are simulated with "
                                                      "their decks)" if scope != "all" else "")
        deck = tree.deck if tree else None  # a parent that is only a name: each deck its own
        options = store.options.of(deck.id) if deck else None
        scheduler = options.scheduler if options else None
        fitted = None
        if options is not None and options.fitted_params_id is not None:
            found = store.scheduling.param_set(options.fitted_params_id)
            fitted = (f"fitted to {found.reviews:,} reviews"
                      + (f" on {found.fitted_at:%Y-%m-%d}" if found.fitted_at else ""))
        self.app.call_from_thread(pane.show, label, scheduler, fitted, None)
        result = deck_forecast(store, tree, days=SIMULATED_DAYS)
        self._simulated = scope
        self.app.call_from_thread(pane.show, label, scheduler, fitted, result)

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        """The scope's figures over the period, worked out off the UI thread."""
        store = self.trainer.store
        tag = self.scope_value[4:] if self.scope_value.startswith("tag:") else None
        try:
            figures = compute(store, _tree(store, self.scope_value), tag, self.period)
        except StoreError as exc:  # the deck was deleted or renamed in another window
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._show, figures)

    def action_scroll(self, how: str) -> None:
        """Scroll the open tab's figures (the page keys, wherever the focus is)."""
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None:
            getattr(pane.query_one(VerticalScroll), how)(animate=False)

    def action_tab(self, tab: str) -> None:
        """Open the tab ``tab`` (the keys 1-5)."""
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        """Back to the deck list."""
        self.app.pop_screen()

    # -- drawing ----------------------------------------------------------------------------

    def _show(self, s: Figures) -> None:
        t, c, streak = s["today"], s["counts"], s["streak"]
        summary = joined(
            ("Today  ", "bold"), f"{plural(t['answers'], 'answer')} in {minutes(t['time_ms'])}, "
            f"accuracy {pct(t['accuracy'])}, {plural(t['new_learned'], 'new card')} learned\n",
            ("Cards  ", "bold"), f"{c['total']}: ",
            (f"{c['new']} new", "blue"), " · ", (f"{c['learning']} learning", "red"), " · ",
            (f"{c['young']} young", "green"), " · ", (f"{c['mature']} mature", "bold green"),
            " · ", (f"{c['suspended']} suspended", "dim"), f" ({c['buried']} buried)\n",
            ("Streak ", "bold"), f"{plural(streak['current'], 'day')} now, "
            f"longest {plural(streak['longest'], 'day')}\n",
            ("Quiz   ", "bold"),
            f"{plural(s['quizzes']['count'], 'quiz', 'quizzes')} in the period",
        )
        if s["quizzes"]["sessions"]:
            summary.append(", latest scores " + ", ".join(
                pct(q["score"]) for q in s["quizzes"]["sessions"][-6:]))
        self.query_one("#stats-summary", Static).update(summary)

        retention = Text("\nTrue retention (reviews passed)", style="bold")
        retention.append(f"  young: interval under {MATURE_DAYS} days before the review\n",
                         style="dim")
        retention.append(f"{'':<10}{'young':>10}{'mature':>10}{'all':>10}\n", style="dim")
        for period in PERIODS:
            row = s["retention"][period]
            retention.append(f"{PERIOD_LABELS[period]:<10}")
            for key in ("young", "mature", "all"):
                cell = row[key]
                retention.append(f"{pct(cell['rate']):>6}", style="bold" if cell["total"] else
                                 "dim")
                retention.append(f" {cell['total']:>3}" if cell["total"] else "    ", style="dim")
            retention.append("\n")
        grades = s["grades_by_maturity"]
        retention.append("\nAnswer buttons by maturity (scheduled, in the period)\n", style="bold")
        retention.append(f"{'':<10}" + "".join(f"{q:>6}" for q in range(6)) + "\n", style="dim")
        for maturity, counts in grades.items():
            retention.append(f"{maturity:<10}" + "".join(f"{counts[str(q)]:>6}" for q in
                                                         range(6)) + "\n")
        self.query_one("#stats-retention", Static).update(retention)

        forecast = [d["due"] for d in s["forecast"]]
        text = joined(("Due in the next 30 days", "bold"),
                      f"  (today {forecast[0]}, tomorrow {forecast[1]}, "
                      f"total {sum(forecast)})\n")
        text.append_text(columns(forecast, 6, "green", ("today", "+29d")))
        self.query_one("#stats-forecast", Static).update(text)

        history = s["history"][-60:]
        totals = [studied(d) for d in history]
        text = joined(("\nReview history", "bold"),
                      f"  ({plural(len(s['history']), 'study day')} in the period; "
                      "last 60 shown)\n")
        if history:
            text.append_text(columns(totals, 6, "blue", (history[0]["day"], history[-1]["day"])))
            every = s["history"]
            sums = {"new": sum(d["new"] for d in every),
                    "learning": sum(d["learning"] for d in every),
                    "young": sum(d["young"] for d in every),
                    "mature": sum(d["mature"] for d in every),
                    "repeat": sum(d["repeat"] for d in every)}
            time_ms = sum(d["time_ms"] for d in s["history"])
            text.append("\n" + " · ".join(f"{k} {v}" for k, v in sums.items()) +
                        f" · time {minutes(time_ms)}", style="dim")
        else:
            text.append("No reviews in this period.", style="dim")
        self.query_one("#stats-history", Static).update(text)

        per_day = {date.fromisoformat(d["day"]): d["reviews"] for d in s["heatmap"]}
        text = joined(("Study calendar, last year", "bold"),
                      f"  (streak {streak['current']}, longest {streak['longest']})\n")
        text.append_text(heatmap(per_day, date.fromisoformat(s["study_day"])))
        self.query_one("#stats-heatmap", Static).update(text)

        hours = s["hourly"]
        text = joined(("\nReviews by hour", "bold"), "  (local time; success rate below)\n")
        text.append_text(columns([h["reviews"] for h in hours], 4, "blue", ("00", "23")))
        text.append("\n")
        text.append_text(falling([h["rate"] for h in hours]))
        self.query_one("#stats-hourly", Static).update(text)

        text = joined(("Intervals", "bold"), "\n")
        text.append_text(hbars([(b["bucket"], b["cards"]) for b in s["intervals"]], 36))
        ease = s["easiness"]
        if ease:
            text.append("\n\nEasiness\n", style="bold")
            text.append_text(hbars([(f"{e['easiness']:.1f}", e["cards"]) for e in ease], 36,
                                   "magenta"))
        self.query_one("#stats-intervals", Static).update(text)

        text = joined(("\nHardest cards", "bold"),
                      f"  ({plural(s['leeches'], 'leech', 'leeches')}: at the deck's "
                      "leech threshold, or tagged leech)\n")
        if not s["hardest"]:
            text.append("None yet.", style="dim")
        for h in s["hardest"]:
            text.append(f"{h['lapses']:>3} lapses  EF {h['easiness']:.2f}  ", style="dim")
            text.append(clip(visible(h["prompt"]), 60))
            if h["leech"]:
                text.append("  LEECH", style="bold red")
            text.append("\n")
        self.query_one("#stats-hardest", Static).update(text)

        text = joined(("\nDecks", "bold"), "\n")
        text.append(f"{'':<42}{'cards':>7}{'mature':>8}{'ret. 30d':>10}\n", style="dim")
        for d in s["decks"]:
            text.append(f"{clip(visible(d['name']), 41):<42}")
            text.append(f"{d['cards']:>7}{pct(d['mature_share']):>8}"
                        f"{pct(d['retention_30d']):>10}\n")
        if s["tags"]:
            text.append("\nTags\n", style="bold")
            for tg in s["tags"][:15]:
                text.append(f"{clip(visible(tg['tag']), 41):<42}")
                text.append(f"{tg['cards']:>7}{pct(tg['mature_share']):>8}"
                            f"{pct(tg['retention_30d']):>10}\n")
        self.query_one("#stats-decks", Static).update(text)
