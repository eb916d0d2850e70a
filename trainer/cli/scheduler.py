"""The scheduler commands, `trainer optimize|evaluate|simulate [DECK]`: FSRS fitted to the
student's own reviews, the schedulers compared on that history, the days ahead under each."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, refresh_bundled_decks, retention, say
from trainer.errors import UserError

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand
    from trainer.scheduler.simulator import Day
    from trainer.store import Store


def register(add: AddCommand) -> None:
    """Add optimize, evaluate and simulate to the command line."""
    p = add("optimize", cmd_optimize, "fit FSRS to your own reviews (the deck's, or all decks')")
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck key or name, a parent's too "
                   "(default: all)")
    p = add("evaluate", cmd_evaluate, "which scheduler predicts your memory best: SM-2, FSRS, "
            "FSRS fitted to you (log loss, RMSE, AUC on your own history)")
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck key or name, a parent's too "
                   "(default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("simulate", cmd_simulate, "the next days under SM-2 and under FSRS: reviews and "
            "minutes a day, cards remembered")
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck key or name, a parent's too "
                   "(default: all)")
    p.add_argument("--retention", type=retention, metavar="R",
                   help="FSRS's desired retention, 0.70 to 0.99 (default: the deck's)")
    p.add_argument("--days", type=_days, default=90, metavar="N",
                   help="days to simulate, 1 to 3650 (default 90)")
    p.add_argument("--new-per-day", type=_count, metavar="N",
                   help="new cards a day (default: the deck's limit)")
    p.add_argument("--seed", type=int, default=0, help="the simulated student (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON, every day")


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError(f"must be from 1 to 3650 days, not {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) > 10_000:
        raise argparse.ArgumentTypeError(f"must be from 0 to 10,000, not {text!r}")
    return int(text)


def _decks(store: Store, name: str | None) -> tuple[list[int] | None, str]:
    """The ids of the deck (a parent's: every deck under it) and its words."""
    if name is None:
        return None, "all decks"
    tree = store.decks.tree(name)
    return tree.ids, tree.label


def cmd_optimize(args: argparse.Namespace) -> int:
    """Fit FSRS's weights to the reviews of one deck or all, and say where they are used: a
    scheduler fitted to the student predicts them better than the defaults."""
    from trainer.fitting import optimize

    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        ids, what = _decks(store, args.deck)
        done = optimize(store, ids)
        on_fsrs = [store.decks.get(i).key for i in done.rescheduled]
    say(f"FSRS fitted to {done.reviews:,} reviews of {what}: parameter set {done.params_id}")
    print("  weights: " + " ".join(f"{w:.4f}" for w in done.weights))
    if on_fsrs:
        say(f"  scheduling with them now: {', '.join(on_fsrs)} (memory worked out again)")
    else:
        say("  used once the deck is on FSRS: trainer deck options DECK --scheduler fsrs")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """How well SM-2, FSRS and the fitted FSRS predict the student's own recall, as a table or
    JSON: the figures to choose a scheduler by."""
    import json

    from trainer.fitting import SPLITS, evaluate

    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        ids, what = _decks(store, args.deck)
        result = evaluate(store, ids)
    if args.json:
        print(json.dumps({"reviews": result.reviews, "splits": SPLITS, "models": {
            name: {"log_loss": s.log_loss, "rmse_bins": s.rmse_bins, "auc": s.auc}
            for name, s in result.models.items()}}, indent=2))
        return 0
    say(f"How well each scheduler predicts recall in {what}: {result.reviews:,} reviews, each "
        f"predicted from the reviews before it (time-series split in {SPLITS} parts; the "
        "fitted FSRS is fitted to the parts before each)")
    print(f"  {'model':<16} {'log loss':>9} {'RMSE (bins)':>12} {'AUC':>6}")
    for name, s in result.models.items():
        auc = "-" if s.auc is None else f"{s.auc:.3f}"
        print(f"  {name:<16} {s.log_loss:>9.4f} {s.rmse_bins:>12.4f} {auc:>6}")
    print("  lower log loss and RMSE are better; higher AUC is better")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """The days ahead under SM-2 and under FSRS, simulated on the deck's own cards: reviews
    and minutes a day and cards remembered, week by week, to weigh workload against memory."""
    import json

    from trainer.scheduler.simulator import workload_per_remembered
    from trainer.simulation import deck_forecast

    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        tree = None if args.deck is None else store.decks.tree(args.deck)
        what = "all decks" if tree is None else tree.label
        result = deck_forecast(store, tree, days=args.days,
                               retention=args.retention, new_per_day=args.new_per_day,
                               seed=args.seed, progress=_stderr_progress())
    if not result.cards:
        raise UserError(f"trainer simulate: {what} has no cards to study")
    runs = {"SM-2": result.sm2, f"FSRS at {result.retention:.2f}": result.fsrs}
    if args.json:
        print(json.dumps({
            "days": result.days, "retention": result.retention, "cards": result.cards,
            "new_cards": result.new_cards, "new_per_day": result.new_per_day,
            "seconds_per_answer": result.seconds_per_answer,
            "optimal_retention": result.optimal_retention, "seed": args.seed,
            "schedulers": {"sm2": _days_json(result.sm2), "fsrs": _days_json(result.fsrs)},
        }, indent=2))
        return 0
    say(f"{what}: {result.cards:,} cards ({result.new_cards:,} new, {result.new_per_day} a "
        f"day), the next {result.days} days, {result.seconds_per_answer:.0f} s an answer "
        f"(seed {args.seed})")
    # 72 columns; "remembered" is at the end of the period
    print(f"  {'scheduler':<14} {'reviews/day':>11} {'minutes/day':>11} "
          f"{'remembered':>11} {'answers/remembered':>19}")
    for name, days in runs.items():
        n = len(days)
        print(f"  {name:<14} {sum(d.reviews for d in days) / n:>11.1f} "
              f"{sum(d.minutes for d in days) / n:>11.1f} {days[-1].remembered:>11,.0f} "
              f"{workload_per_remembered(days):>19.2f}")
    print()
    print(f"  {'week':<6} {'SM-2 reviews/day':>17} {'FSRS reviews/day':>17} "
          f"{'SM-2 remembered':>16} {'FSRS remembered':>16}")
    for start in range(0, result.days, 7):
        a, b = result.sm2[start:start + 7], result.fsrs[start:start + 7]
        print(f"  {start // 7 + 1:<6} {sum(d.reviews for d in a) / len(a):>17.1f} "
              f"{sum(d.reviews for d in b) / len(b):>17.1f} {a[-1].remembered:>16,.0f} "
              f"{b[-1].remembered:>16,.0f}")
    if result.optimal_retention is not None:
        print(f"\n  the fewest answers per card remembered: FSRS at a desired retention of "
              f"{result.optimal_retention:.2f}")
    return 0


def _stderr_progress() -> Callable[[int, int], None] | None:
    """'simulating: 3 of 12 runs' on a terminal, as each run ends: ten years of a large deck
    take minutes (12 runs: SM-2, FSRS, and FSRS at ten retentions for the best one)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\rsimulating: {done} of {total} runs", end="\n" if done == total else "",
              file=sys.stderr, flush=True)

    return show


def _days_json(days: list[Day]) -> list[dict[str, float]]:
    return [{"day": i, "reviews": d.reviews, "new": d.new, "minutes": round(d.minutes, 2),
             "remembered": round(d.remembered, 2)} for i, d in enumerate(days)]
