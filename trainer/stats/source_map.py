"""The source map: a deck's source, paragraph by paragraph, with the quotes its cards cite
and how well the student knows each paragraph (maturity shares, 30-day retention)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from trainer import rules
from trainer.errors import UserError
from trainer.rules import Maturity, maturity
from trainer.store.records import DeckTree

if TYPE_CHECKING:
    from trainer.store import Store
    from trainer.store.records import Deck


class Quote(TypedDict):
    entry: str
    quote: str


class Retention(TypedDict):
    passed: int
    total: int
    rate: float | None


class Paragraph(TypedDict):
    para: int
    quotes: list[Quote]
    cards: int
    new: int
    learning: int
    young: int
    mature: int
    retention: Retention


MATURITIES: tuple[Maturity, ...] = rules.MATURITIES  # the screen's columns, in rule order


def source_map(store: Store, deck: Deck | DeckTree,
               today: date | None = None) -> list[Paragraph]:
    """Every paragraph the deck's cards in play cite, in order; of a parent, every paragraph
    its decks' cards cite, when they quote one source (a UserError in one line otherwise:
    paragraph 3 of one text is not paragraph 3 of another)."""
    decks = deck.decks if isinstance(deck, DeckTree) else (deck,)
    sources = sorted({d.source for d in decks if d.source})
    if len(sources) > 1:
        raise UserError(f"the decks of {deck.name} quote different sources "
                        f"({'; '.join(sources)}): open the map of one of them")
    out: dict[int, Paragraph] = {}
    for card in store.cards.cited([d.id for d in decks], today):
        p = out.setdefault(card.para, {
            "para": card.para, "quotes": [], "cards": 0, "new": 0, "learning": 0,
            "young": 0, "mature": 0, "retention": {"passed": 0, "total": 0, "rate": None},
        })
        quote: Quote = {"entry": card.entry, "quote": card.quote}
        if card.quote and quote not in p["quotes"]:  # a cloze's gaps share their entry's
            p["quotes"].append(quote)
        p["cards"] += 1
        p[maturity(card.repetitions, card.interval, card.reviews, card.due)] += 1
        p["retention"]["total"] += card.recent
        p["retention"]["passed"] += card.recent_passed
    for p in out.values():
        r = p["retention"]
        r["rate"] = round(r["passed"] / r["total"], 4) if r["total"] else None
    return list(out.values())


def share(paragraph: Paragraph, which: Maturity) -> float:
    return paragraph[which] / paragraph["cards"] if paragraph["cards"] else 0.0
