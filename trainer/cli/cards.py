"""The card commands, `trainer browse|cards|card|add|suspend|unsuspend|reset`: find cards
with a search, read one in full, add one, and change many at once."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from trainer.cli.common import confirm, open_from_args, refresh_bundled_decks
from trainer.cli.launch import launch
from trainer.errors import UserError
from trainer.render.words import clip, json_text, plural, visible

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand
    from trainer.query import Node
    from trainer.store.records import FoundCard

# `trainer cards --sort`: what a list of cards can be ordered by
SORTS = ("deck", "prompt", "kind", "due", "interval", "ease", "lapses", "reviews", "added",
         "flag")


def register(add: AddCommand) -> None:
    """Add browse, cards, card, add, suspend, unsuspend and reset to the command line."""
    p = add("browse", cmd_browse, "the card browser (search, history, actions on cards)")
    p.add_argument("query", nargs="?", default="", metavar="QUERY",
                   help="a search (docs/search.md)")
    p = add("cards", cmd_cards, "list the cards a search finds (docs/search.md)")
    p.add_argument("query", metavar="QUERY", help='a search, e.g. "deck:xi* is:due"')
    p.add_argument("--sort", choices=SORTS, default="deck")
    p.add_argument("--json", action="store_true", help="a JSON list of the cards")
    p = add("card", cmd_card, "one card in full, with its review history")
    p.add_argument("ref", metavar="DECK/KEY", help="a deck's key, a slash, the card's key")
    p.add_argument("--json", action="store_true")
    p = add("add", cmd_add, "add a card to a deck: from flags, or a TOML snippet on stdin")
    p.add_argument("deck", metavar="DECK", help="deck key or name")
    p.add_argument("--id", help="the new entry's id (a slug)")
    p.add_argument("--kind", choices=("basic", "typed", "cloze", "choice"), default=None)
    p.add_argument("--prompt")
    p.add_argument("--answer")
    p.add_argument("--text", help="a cloze's text, with {{c1::gaps}}")
    p.add_argument("--accept", action="append", default=[], metavar="TEXT")
    p.add_argument("--distractor", action="append", default=[], metavar="TEXT")
    p.add_argument("--explanation")
    p.add_argument("--tag", action="append", default=[], metavar="TAG")
    for name, what in (("suspend", "suspend"), ("unsuspend", "unsuspend"),
                       ("reset", "reset to new (forgetting their progress)")):
        p = add(name, cmd_change, f"{what} the cards a search finds, and say how many")
        p.add_argument("query", metavar="QUERY", help="a search (docs/search.md)")
        p.set_defaults(change=name)
        if name != "unsuspend":
            p.add_argument("--yes", action="store_true", help="without asking (needed when "
                           "not on a terminal; suspend asks only for every card)")


def _parse(text: str) -> Node | None:
    from trainer.query import QueryError, parse

    try:
        return parse(text)
    except QueryError as exc:
        # the query cut short: the reason, at its end, must fit the line
        raise UserError(f"search {clip(text, 40)!r}: {exc}") from None


def cmd_browse(args: argparse.Namespace) -> int:
    """Open the card browser on a search; a search that does not parse is refused before the
    screen opens."""
    _parse(args.query)
    return launch(args, "browse", query=args.query)


def _as_json(c: FoundCard) -> dict[str, Any]:
    return {"id": c.id, "deck": c.deck_key, "key": c.key, "kind": c.kind, "prompt": c.prompt,
            "answer": c.answer, "due": c.due.isoformat() if c.due else None,
            "interval": c.interval, "easiness": c.easiness_x100 / 100, "lapses": c.lapses,
            "reviews": c.reviews, "suspended": c.suspended,
            "buried_until": c.buried_until.isoformat() if c.buried_until else None,
            "retired": c.retired, "flag": c.flag, "marked": c.marked, "tags": list(c.tags)}


def cmd_cards(args: argparse.Namespace) -> int:
    """The cards a search finds, one line each (or JSON), and their number on stderr so that
    a pipe gets the cards alone."""
    node = _parse(args.query)
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        found = store.search.cards(node, sort=args.sort, limit=None)
    if args.json:
        print(json_text([_as_json(c) for c in found.cards]))
        return 0
    refs = [visible(f"{c.deck_key}/{c.key}") for c in found.cards]
    width = min(48, max(map(len, refs), default=0))
    for ref, c in zip(refs, found.cards, strict=True):
        due = c.due.isoformat() if c.due else "new"
        prompt = clip(visible(" ".join(c.prompt.split())), 40)
        print(f"{clip(ref, width):<{width}}  {c.kind:<6} {due:<10}  {prompt}")
    print(plural(found.total, "card"), file=sys.stderr)
    return 0


def cmd_card(args: argparse.Namespace) -> int:
    """One card, ``DECK/KEY``, in full: its fields, its state and its review history."""
    from trainer.render.card_detail import render_card
    from trainer.rules import grade

    deck_ref, slash, key = args.ref.rpartition("/")
    if not slash or not deck_ref or not key:
        raise UserError(f"{args.ref!r}: give DECK/KEY, e.g. xi-putin-history/qianlong-name")
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        deck = store.decks.find(deck_ref)
        card = store.cards.by_key(deck.id, key)
        state = store.cards.state(card.id)
        history = store.cards.history(card.id)
        retired = store.cards.is_retired(card.id)
    if args.json:
        print(json_text({
            "deck": deck.key, "key": card.key, "kind": card.kind, "prompt": card.prompt,
            "answer": card.answer, "accept": list(card.accept),
            "distractors": list(card.distractors), "cloze_text": card.cloze_text,
            "explanation": card.explanation, "source_quote": card.source_quote,
            "source_para": card.source_para, "tags": list(card.tags), "flag": card.flag,
            "marked": card.marked,
            "state": {"repetitions": state.repetitions, "easiness": state.easiness_x100 / 100,
                      "interval": state.interval,
                      "due": state.due.isoformat() if state.due else None,
                      "reviews": state.reviews, "lapses": state.lapses,
                      "suspended": state.suspended, "retired": retired},
            "history": [{"day": r.study_day.isoformat(), "kind": r.kind,
                         "grade": grade(r.kind, r.quality),  # None: not an answer
                         "interval": [r.before_interval, r.after_interval],
                         "easiness": [r.before_easiness_x100 / 100,
                                      r.after_easiness_x100 / 100],
                         "answer_ms": r.answer_ms} for r in history],
        }))
        return 0
    sys.stdout.write(visible(render_card(card, deck.key, state, history, retired)))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Add one entry to a deck, from flags or from a TOML snippet on stdin (as a deck file
    holds it), checked as an import checks it."""
    from trainer.editing import read_snippet

    if args.id is None:
        if sys.stdin.isatty():
            raise UserError("give --id and the fields, or a TOML snippet on stdin "
                            "(id = \"...\", kind = \"basic\", prompt = ..., answer = ...)")
        text = sys.stdin.read()
    else:
        text = _snippet_from_flags(args)
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        deck = store.decks.find(args.deck)
        cards = read_snippet(text, deck)
        added = store.cards.add_entry(deck.id, cards)
    print(visible(f"added {cards[0].entry} to {deck.key}: {added} card" +
                  ("s" if added > 1 else "")))
    return 0


def _snippet_from_flags(args: argparse.Namespace) -> str:
    import tomli_w

    kind = args.kind or ("cloze" if args.text else "choice" if args.distractor
                         else "typed" if args.accept else "basic")
    fields: dict[str, Any] = {"id": args.id, "kind": kind}
    for name in ("prompt", "answer", "text", "explanation"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    if args.accept:
        fields["accept"] = args.accept
    if args.distractor:
        fields["distractors"] = args.distractor
    if args.tag:
        fields["tags"] = args.tag
    return tomli_w.dumps(fields)


def cmd_change(args: argparse.Namespace) -> int:
    """Suspend, unsuspend or reset the cards a search finds, and say how many changed; a
    reset, or a suspension of every card, asks first."""
    node = _parse(args.query)
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        ids = store.search.ids(node)

        def counted() -> tuple[str, str]:
            return plural(len(ids), "card"), plural(store.reviews.count(ids), "review")

        if ids and args.change == "reset":
            cards, reviews = counted()
            confirm(args, f"reset {cards} to new, forgetting the progress of their {reviews} "
                    "(the reviews stay in the history)")
        elif ids and args.change == "suspend" and (
                node is None or len(ids) == len(store.search.ids(None))):
            cards, reviews = counted()
            confirm(args, f"suspend every card, {cards} (with {reviews}): none is studied "
                    "until unsuspended")
        changed = store.cards.change_many(ids, args.change, session_id=f"cli-{args.change}")
    done = {"suspend": "suspended", "unsuspend": "unsuspended", "reset": "reset to new"}
    print(f"{changed} of {len(ids)} matching cards {done[args.change]}")
    return 0
