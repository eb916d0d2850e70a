"""What a session shows of a card: its text, its choices for this showing, its check."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.answers import check_typed, choice_options
from trainer.formats.cloze import cloze_full
from trainer.rules import SUGGESTED, CardKind, Verdict
from trainer.store import Card


@dataclass(frozen=True)
class CardView:
    """What the screen shows of a card."""

    card_id: int
    kind: CardKind
    prompt: str
    answer: str
    full_text: str  # for cloze: the text with every gap filled
    accept: tuple[str, ...]
    options: list[str]  # choice: shuffled, answer included
    explanation: str
    source_quote: str
    source_para: int | None
    deck_id: int
    flag: int = 0  # the student's flag (rules.FLAG_COLOURS), 0 none
    marked: bool = False

    @classmethod
    def of(cls, card: Card, showing: int = 0) -> CardView:
        """The card at its ``showing``-th showing (choice options move between showings)."""
        options = (
            choice_options(card.answer, list(card.distractors), card.shuffle_seed, showing)
            if card.kind == "choice" else []
        )
        return cls(
            card_id=card.id, kind=card.kind, prompt=card.prompt, answer=card.answer,
            full_text=cloze_full(card.cloze_text) if card.kind == "cloze" else "",
            accept=card.accept, options=options, explanation=card.explanation,
            source_quote=card.source_quote, source_para=card.source_para,
            deck_id=card.deck_id, flag=card.flag, marked=card.marked,
        )

    def check(self, given: str) -> Verdict:
        """Typed: 'right', 'close' or 'wrong'. Choice: ``given`` is the chosen option."""
        if self.kind == "choice":
            return "right" if given == self.answer else "wrong"
        return check_typed(given, self.answer, self.accept, prompt=self.prompt)

    def suggested(self, verdict: Verdict | None) -> int | None:
        """The grade enter accepts after a checked answer; None when the student grades alone."""
        return None if verdict is None else SUGGESTED[verdict]
