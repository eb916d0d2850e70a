"""The deck commands: `trainer decks` lists them with today's counts; `trainer deck`
creates, renames, deletes and brings back a deck, shows and sets its options, and lets a
student study more of it today."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from trainer.cli.common import confirm, open_from_args, refresh_bundled_decks, retention, say
from trainer.errors import UserError
from trainer.render.words import clip, json_text, plural, visible

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add decks, and deck with its actions (each taking --db after its name too), to the
    command line."""
    p = add("decks", cmd_decks, "list decks with today's new and due counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--keys", action="store_true", help=argparse.SUPPRESS)  # for completion

    p = add("deck", cmd_deck, "create, rename, delete a deck; its options; study more today")
    deck = p.add_subparsers(dest="deck_command", metavar="ACTION", required=True)
    c = deck.add_parser("create", help="an empty deck")
    c.add_argument("deck", metavar="KEY", help="its key: lower-case letters, digits, hyphens")
    c.add_argument("--name", help="its name (default: the key)")
    r = deck.add_parser("rename", help="a new name and/or key (the former key stays an alias)")
    r.add_argument("deck", metavar="DECK", help="deck key or name")
    r.add_argument("--key", metavar="KEY")
    r.add_argument("--name")
    d = deck.add_parser("delete", help="hide a deck and retire its cards (history kept)")
    d.add_argument("deck", metavar="DECK", help="deck key or name")
    d.add_argument("--yes", action="store_true", help="without asking (needed when not on a "
                   "terminal)")
    u = deck.add_parser("undelete", help="bring a deleted deck back with its cards")
    u.add_argument("deck", metavar="DECK", help="deck key or name")
    o = deck.add_parser("options", help="show or set a deck's options",
                        description="Show a deck's options and where each comes from; set "
                        "them (they win over config.toml and the deck file).")
    o.add_argument("deck", metavar="DECK", help="deck key or name")
    o.add_argument("--new-per-day", type=_count, metavar="N")
    o.add_argument("--reviews-per-day", type=_count, metavar="N")
    o.add_argument("--bury-new-siblings", type=_switch, metavar="on|off")
    o.add_argument("--bury-review-siblings", type=_switch, metavar="on|off")
    o.add_argument("--leech-lapses", type=_lapses, metavar="N")
    o.add_argument("--leech-action", choices=("suspend", "tag"))
    o.add_argument("--scheduler", choices=("sm2", "fsrs"), help="switch the deck's scheduler: "
                   "every studied card's state under it is worked out from its history")
    o.add_argument("--desired-retention", type=retention, metavar="R",
                   help="FSRS: the chance of recall to schedule for, 0.70 to 0.99")
    o.add_argument("--maximum-interval", type=_days, metavar="DAYS",
                   help="FSRS: the longest interval, 1 to 36500 days")
    o.add_argument("--unset", action="append", default=[], metavar="OPTION",
                   help="forget the value set here (repeatable), e.g. --unset new_per_day")
    m = deck.add_parser("more", help="study more of a deck today (Anki's custom study)",
                        description="Raise today's new-card or review limit of one deck.")
    m.add_argument("deck", metavar="DECK", help="deck key or name")
    m.add_argument("--new", type=_count, default=0, metavar="N", help="N more new cards today")
    m.add_argument("--reviews", type=_count, default=0, metavar="N",
                   help="N more reviews today")
    for sub in (o, m, c, r, d, u):
        sub.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                         help="database (as for every command)")


def cmd_decks(args: argparse.Namespace) -> int:
    """The decks with their cards, new and due today, as a table or JSON; --keys, the keys
    alone, is what shell completion offers."""
    if getattr(args, "keys", False):
        with open_from_args(args) as store:
            refresh_bundled_decks(store)
            for d in store.decks.summaries().decks:
                print(d.key)
        return 0
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        overview = sorted(store.decks.summaries().decks,
                          key=lambda d: (d.name.casefold(), d.key))  # as the deck list
    if args.json:
        print(json_text(
            [{"key": d.key, "name": d.name, "cards": d.cards, "new": d.new, "due": d.due}
             for d in overview]))
        return 0
    if not overview:
        print("no decks yet; `trainer import FILE` adds one")
        return 0
    width = min(40, max(len(d.name) for d in overview))
    print(f"{'KEY':<24} {'NAME':<{width}} {'CARDS':>6} {'NEW':>5} {'DUE':>5}")
    for d in overview:
        name = clip(visible(d.name), width)
        say(f"{d.key[:24]:<24} {name:<{width}} {d.cards:>6} {d.new:>5} {d.due:>5}")
    return 0


_SCHEDULER_NAMES = {"sm2": "SM-2", "fsrs": "FSRS"}


def cmd_deck(args: argparse.Namespace) -> int:
    """`trainer deck ACTION DECK`: what the action changed, or the deck's options and where
    each comes from."""
    from trainer.store.records import OPTIONS, SETTABLE

    if args.deck_command in ("create", "rename", "delete", "undelete"):
        return _manage_deck(args)
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        deck = store.decks.find(args.deck)
        if args.deck_command == "more":
            new, reviews = store.options.study_more(deck.id, new=args.new, reviews=args.reviews)
            say(f"{deck.name} [{deck.key}]: today {new} more new cards and {reviews} more "
                  "reviews than its limits")
            return 0
        unknown = [o for o in args.unset if o not in SETTABLE]
        if unknown:
            raise UserError(f"no deck option {unknown[0]!r}; options: {', '.join(SETTABLE)}")
        values = {o: getattr(args, o) for o in SETTABLE if getattr(args, o) is not None}
        values |= dict.fromkeys(args.unset)
        found = store.options.set(deck.id, **values) if values else store.options.of(
            deck.id)
        if args.scheduler is not None and args.scheduler != found.scheduler:
            switched = store.options.switch_scheduler(deck.id, args.scheduler)
            found = store.options.of(deck.id)
            say(f"{deck.name} [{deck.key}]: now scheduled by {_SCHEDULER_NAMES[args.scheduler]}"
                f"; {switched.changed} of {switched.studied} studied cards rescheduled from "
                "their history")
    say(f"{deck.name} [{deck.key}]")
    for option in (*OPTIONS, "scheduler", "desired_retention", "maximum_interval"):
        value = getattr(found, option)
        shown = ("on" if value else "off") if isinstance(value, bool) else value
        print(f"  {option:<22} {shown!s:<10} ({found.origin[option]})")
    return 0


def _manage_deck(args: argparse.Namespace) -> int:
    import re

    from trainer.formats.model import SLUG_PATTERN

    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        if args.deck_command == "create":
            if not re.fullmatch(SLUG_PATTERN, args.deck):
                raise UserError(f"{args.deck!r} is not a deck key: lower-case letters, digits "
                                "and hyphens")
            if any(d.key == args.deck for d in store.decks.summaries().decks):
                raise UserError(f"a deck {args.deck!r} is already there")
            deck = store.decks.create(args.deck, args.name or args.deck)
            say(f"created {deck.key} ({deck.name})")
        elif args.deck_command == "rename":
            if args.key is None and args.name is None:
                raise UserError("give --key, --name or both")
            before = store.decks.find(args.deck)
            deck = store.decks.rename(before.id, key=args.key, name=args.name)
            say(f"renamed {before.key} to {deck.key} ({deck.name})")
        elif args.deck_command == "delete":
            deck = store.decks.find(args.deck)
            ids = [c.id for c in store.cards.of_deck(deck.id)]
            confirm(args, f"delete {deck.name} [{deck.key}]: retire its {plural(len(ids), 'card')}"
                    f" (their {plural(store.reviews.count(ids), 'review')} stay in the "
                    "statistics)")
            retired = store.decks.delete(deck.id)
            say(f"deleted {deck.key}: {len(retired)} cards retired, their history kept; "
                f"`trainer deck undelete {deck.key}` brings it back")
        else:
            deck = store.decks.find(args.deck, deleted=True)
            back = store.decks.undelete(deck.id)
            say(f"{deck.key} is back: {back} cards back")
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1,000,000, not {value}")
    return value


def _lapses(text: str) -> int:
    """As config.toml takes it: a leech at 0 lapses would be every card."""
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1000, not {text!r}")
    return int(text)


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 36500:
        raise argparse.ArgumentTypeError(f"must be a whole number of days from 1 to 36500, "
                                         f"not {text!r}")
    return int(text)


def _switch(text: str) -> bool:
    if text.lower() in ("on", "yes", "true", "1"):
        return True
    if text.lower() in ("off", "no", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"say on or off, not {text!r}")
