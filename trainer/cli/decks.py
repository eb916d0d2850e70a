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
    from trainer.store import DeckTree, Store
    from trainer.store.records import Switched


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
    o.add_argument("--scheduler", choices=("sm2", "fsrs"), help="switch the deck's scheduler "
                   "(a parent's: every deck's under it): every studied card's state under it "
                   "is worked out from its history; says how many due dates move and asks")
    o.add_argument("--keep-due-dates", action="store_true", help="with --scheduler: keep "
                   "every card's due date, only its memory worked out (Anki's \"reschedule "
                   "cards on change\" off)")
    o.add_argument("--yes", action="store_true", help="switch without asking (needed when "
                   "not on a terminal)")
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
    each comes from. DECK may be a parent (its decks, or a name over them)."""
    if args.deck_command in ("create", "rename", "delete", "undelete"):
        return _manage_deck(args)
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        tree = store.decks.tree(args.deck)
        if args.deck_command == "more":
            new = reviews = 0
            for deck in tree.decks:
                new, reviews = store.options.study_more(deck.id, new=args.new,
                                                        reviews=args.reviews)
            each = f", in each of its {len(tree.decks)} decks" if len(tree.decks) > 1 else ""
            say(f"{tree.label}: today {new} more new cards and {reviews} more reviews than "
                f"its limits{each}")
            return 0
        return _options(args, store, tree)


def _options(args: argparse.Namespace, store: Store, tree: DeckTree) -> int:
    """Set what the flags set (a parent's options on the parent, made a deck of its own if
    it is only a name; FSRS's settings on every deck of the tree, whose own they are),
    switch the scheduler after saying what that does, then show the options."""
    from trainer.store.records import OPTIONS, SETTABLE

    unknown = [o for o in args.unset if o not in SETTABLE]
    if unknown:
        raise UserError(f"no deck option {unknown[0]!r}; options: {', '.join(SETTABLE)}")
    values = {o: getattr(args, o) for o in SETTABLE if getattr(args, o) is not None}
    values |= dict.fromkeys(args.unset)
    own = {o: v for o, v in values.items() if o in OPTIONS}
    everywhere = {o: v for o, v in values.items() if o not in OPTIONS}
    if own and tree.deck is None:
        deck = store.decks.parent_deck(tree.name)
        tree = store.decks.tree(deck.key)
        say(f"{deck.name} is now a deck of its own [{deck.key}], with no cards: it keeps the "
            "options its decks take")
    if own and tree.deck is not None:
        store.options.set(tree.deck.id, **own)
    for deck_id in tree.ids if everywhere else []:
        store.options.set(deck_id, **everywhere)
    if args.scheduler is not None:
        _switch_scheduler(args, store, tree)
    _show_options(store, tree)
    return 0


def _switch_scheduler(args: argparse.Namespace, store: Store, tree: DeckTree) -> None:
    """Switch the tree's decks to ``--scheduler`` once the student has read what it does:
    asked on a terminal, --yes otherwise (the cards' due dates move)."""
    name = _SCHEDULER_NAMES[args.scheduler]
    preview = store.options.preview_switch(tree.ids, args.scheduler,
                                           keep_due=args.keep_due_dates)
    if not preview.decks:
        say(f"{tree.label}: already scheduled by {name}")
        return
    confirm(args, switch_words(preview, name))
    done = store.options.switch_scheduler(tree.ids, args.scheduler,
                                          keep_due=args.keep_due_dates)
    kept = "; due dates kept" if done.keep_due else (
        f"; {plural(done.rescheduled, 'card')} given a new due date, "
        f"{done.due_today} of them due today")
    say(f"now scheduled by {name}: {', '.join(done.decks)} ("
        f"{plural(done.studied, 'studied card')} worked out from their history, "
        f"{done.changed} changed{kept})")


def switch_words(preview: Switched, name: str) -> str:
    """What a switch will do, for the question before it: which decks, how many cards get
    a new due date, how many of them fall due today."""
    decks = ", ".join(preview.decks)
    memory = (f"{plural(preview.studied, 'studied card')} worked out again from their "
              f"history ({preview.changed} changed)")
    if preview.keep_due:
        return f"switch {decks} to {name}: {memory}, every due date kept"
    return (f"switch {decks} to {name}: {memory}; {plural(preview.rescheduled, 'card')} get "
            f"a new due date, {preview.due_today} of them due today (--keep-due-dates keeps "
            "them)")


def _show_options(store: Store, tree: DeckTree) -> None:
    """Each option, its value and where it comes from; for a parent, what its decks set
    apart from it (which applies there)."""
    from collections import Counter
    from dataclasses import replace

    from trainer.render.deck_options import SHOWN, own_settings, shown_value

    found = store.options.of_tree(tree)
    under = store.options.of_decks([d.id for d in tree.subdecks]) if tree.subdecks else {}
    origin = dict(found.origin)
    values = {o: getattr(found, o) for o in SHOWN}
    if tree.deck is None:  # a name has no scheduler: its decks' most common
        for option in ("scheduler", "desired_retention", "maximum_interval"):
            counted = Counter(getattr(o, option) for o in under.values())
            values[option] = counted.most_common(1)[0][0]
            origin[option] = "each deck's own" + (
                "" if len(counted) == 1 else ": " + ", ".join(
                    f"{n} on {shown_value(v)}" for v, n in counted.most_common()))
        say(f"{tree.label}: a parent that is only a name; its decks take its options unless "
            "they set their own")
    elif tree.subdecks:
        say(f"{tree.label}: its {len(tree.subdecks)} decks take its options unless they set "
            "their own")
    else:
        say(tree.label)
    for option in SHOWN:
        say(f"  {option:<22} {shown_value(values[option]):<10} ({origin[option]})")
    shown = replace(found, **values, origin=origin)
    names = {d.id: d.name for d in tree.subdecks}
    settings = own_settings(tree.name, shown, [(names[i], o) for i, o in under.items()])
    if settings:
        say("Set by a deck under it, which applies there:")
        by_deck: dict[str, list[str]] = {}
        for s in settings:
            by_deck.setdefault(s.deck, []).append(
                f"{s.option} {shown_value(s.value)} ({s.origin})")
        for deck, lines in by_deck.items():
            say(f"  {deck}: {'; '.join(lines)}")


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
            tree = store.decks.tree(args.deck)
            if tree.deck is None:
                if args.key is not None:
                    raise UserError(f"{tree.name} is a parent that is only a name: it has no "
                                    "key; give --name alone")
                n = store.decks.rename_parent(tree.name, args.name)
                say(f"renamed {tree.name} to {args.name}: {plural(n, 'deck')} under it")
                return 0
            before = tree.deck
            deck = store.decks.rename(before.id, key=args.key, name=args.name)
            under = (f"; {plural(len(tree.subdecks), 'deck')} under it renamed too"
                     if tree.subdecks and deck.name != before.name else "")
            say(f"renamed {before.key} to {deck.key} ({deck.name}){under}")
        elif args.deck_command == "delete":
            tree = store.decks.tree(args.deck)
            ids = [c.id for d in tree.decks for c in store.cards.of_deck(d.id)]
            what = (f"delete {tree.label}: retire its {plural(len(ids), 'card')}"
                    if not tree.subdecks else
                    f"delete {tree.label} and every deck under it: retire the "
                    f"{plural(len(ids), 'card')} of {tree.name} ({len(tree.decks)} decks)")
            confirm(args, f"{what} (their {plural(store.reviews.count(ids), 'review')} stay "
                    "in the statistics)")
            if tree.deck is not None and not tree.subdecks:
                retired = store.decks.delete(tree.deck.id)
                say(f"deleted {tree.deck.key}: {len(retired)} cards retired, their history "
                    f"kept; `trainer deck undelete {tree.deck.key}` brings it back")
            else:
                retired = store.decks.delete_many(tree.ids, tree.name)
                say(f"deleted {tree.name} ({len(tree.decks)} decks): {len(retired)} cards "
                    "retired, their history kept; `trainer undo` brings them back")
        else:
            tree = store.decks.tree(args.deck, deleted=True)
            back = sum(store.decks.undelete(d.id) for d in tree.decks)
            say(f"{tree.label} is back: {back} cards back")
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
