"""`trainer lint`: what a deck author should fix before a student meets it.

Errors (exit 1): a card whose prompt, options or visible cloze text shows another card's
answer (or its own), whole words, numbers always, the deck's name and description exempt; a
typed answer over five words; distractors that repeat each other or the answer; a gap whose
text shows elsewhere in its own card; with a source text, a quote that is not in it verbatim or
not in the paragraph it names. Warnings: two cards with the same answer; distractors of mixed
kinds (a year among names); a number with a unit and no accept without it; more than five
entries on one paragraph; paragraphs of substance no card cites.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from trainer.answers import fair, normalise
from trainer.formats.cloze import CLOZE
from trainer.formats.model import ParsedDeck, StudyCard

MAX_TYPED_WORDS = 5
MAX_PER_PARAGRAPH = 5
MIN_SUBSTANCE_WORDS = 20
# the captured page's furniture, not the article
FURNITURE = (
    "Support 110 years", "[See also:", "•", "Select and enter your email", "Visit our privacy",
    "Content from our partners", "Cover illustration by", "This article appears in",
)
TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u00a0": " ",
})
YEAR = re.compile(r"^\d{3,4}$")


@dataclass(frozen=True, slots=True)
class Finding:
    origin: str
    entry: str
    error: bool
    message: str

    def line(self) -> str:
        return f"{self.origin}: {self.entry}: {'error' if self.error else 'warning'}: " \
               f"{self.message}"


def plain_quote(text: str) -> str:
    """Text as quotes are compared: curly quotes, dashes and white space made plain."""
    return " ".join(text.translate(TRANSLATE).split())


def paragraphs(text: str) -> list[str]:
    """A source text's paragraphs: its non-empty lines, made plain."""
    return [plain_quote(line) for line in text.splitlines() if line.strip()]


def is_substance(paragraph: str) -> bool:
    return not paragraph.startswith(FURNITURE) and len(paragraph.split()) >= MIN_SUBSTANCE_WORDS


def lint(decks: list[ParsedDeck], source: str | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for deck in decks:
        findings += _deck(deck)
        if source is not None:
            findings += _sources(deck, paragraphs(source))
    return findings


def _words(text: str) -> str:
    return f" {normalise(text)} "


def _shown(card: StudyCard) -> str:
    """What a student sees before answering."""
    return " ".join([card.prompt, *card.distractors]) if card.kind == "choice" else card.prompt


def _deck(deck: ParsedDeck) -> list[Finding]:
    out: list[Finding] = []
    exempt = set(normalise(f"{deck.name} {deck.description}").split())

    def add(card: StudyCard, error: bool, message: str) -> None:
        out.append(Finding(deck.origin, card.entry, error, message))

    answers = [(card, normalise(card.answer)) for card in deck.cards]
    for card in deck.cards:
        seen = _words(_shown(card))
        for other, answer in answers:
            if other is card and card.kind in ("cloze", "choice"):
                continue  # a gap is hidden; a choice's own answer is among its options
            if not answer or set(answer.split()) <= exempt:
                continue
            if (len(answer) >= 3 or answer.isdigit()) and f" {answer} " in seen:
                whose = "its own answer" if other is card else f"the answer of {other.entry}"
                if other is card or other.entry != card.entry:
                    add(card, True, f"shows {whose} ({other.answer!r})")
        if card.kind == "typed" and len(card.answer.split()) > MAX_TYPED_WORDS:
            add(card, True, f"a typed answer of {len(card.answer.split())} words (at most "
                f"{MAX_TYPED_WORDS})")
        if card.kind == "choice":
            options = [fair(o)[0] for o in (card.answer, *card.distractors)]
            if len(set(options)) != len(options):
                add(card, True, "distractors repeat each other or the answer")
            kinds = {"year" if YEAR.match(o) else "number" if o.isdigit() else "text"
                     for o in options}
            if len(kinds) > 1:
                add(card, False, f"options of mixed kinds ({', '.join(sorted(kinds))})")
        if card.kind == "cloze" and card.cloze_number is not None:
            gap = normalise(card.answer)
            rest = _without_gap(card.cloze_text, card.cloze_number)
            if len(gap) >= 3 and f" {gap} " in _words(rest):
                add(card, True, f"gap {card.cloze_number} ({card.answer!r}) shows elsewhere in "
                    "its own text")
        if card.kind == "typed" and re.search(r"\d", card.answer) and not any(
                fair(a)[0].isdigit() for a in (card.answer, *card.accept)):
            add(card, False, f"the answer {card.answer!r} has a unit; accept the number alone")
    same = Counter(a for _, a in answers if a)
    for card, answer in answers:
        if answer and same[answer] > 1 and card.kind != "cloze":
            add(card, False, f"another card has the same answer ({card.answer!r})")
    return _unique(out)


def _without_gap(text: str, number: int) -> str:
    """The cloze text as the card shows it, its own gap left out."""
    def fill(match: re.Match[str]) -> str:
        return "" if int(match.group(1)) == number else match.group(2)

    return CLOZE.sub(fill, text)


def _sources(deck: ParsedDeck, paras: list[str]) -> list[Finding]:
    out: list[Finding] = []
    per_paragraph: dict[int, set[str]] = defaultdict(set)
    for card in deck.cards:
        if not card.source_quote:
            continue
        quote = plain_quote(card.source_quote)
        para = card.source_para or 0
        per_paragraph[para].add(card.entry)
        if not 1 <= para <= len(paras):
            out.append(Finding(deck.origin, card.entry, True, f"paragraph {para} does not exist"))
        elif quote not in paras[para - 1]:
            found = [i + 1 for i, p in enumerate(paras) if quote in p]
            hint = f"it is in paragraph {found[0]}" if found else "not in the source"
            out.append(Finding(deck.origin, card.entry, True,
                               f"quote not in paragraph {para} ({hint})"))
    for para, entries in sorted(per_paragraph.items()):
        if len(entries) > MAX_PER_PARAGRAPH:
            out.append(Finding(deck.origin, f"paragraph {para}", False,
                               f"{len(entries)} entries on one paragraph (at most "
                               f"{MAX_PER_PARAGRAPH})"))
    return _unique(out)


def uncited(decks: list[ParsedDeck], source: str) -> list[int]:
    """Paragraphs of substance that no card of ``decks`` cites."""
    cited = {card.source_para for deck in decks for card in deck.cards}
    return [i + 1 for i, p in enumerate(paragraphs(source)) if is_substance(p)
            and i + 1 not in cited]


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
