"""`trainer lint`: what a deck author should fix before a student meets it.

Errors (exit 1): a card whose prompt, options or visible cloze text shows another card's
answer (or its own), whole words, numbers always, the deck's name and description exempt; a
typed answer over five words; distractors that repeat each other or the answer; a gap whose
text shows elsewhere in its own card; with a source text, a quote that is not in it verbatim or
not in the paragraph it names. Warnings: the same giveaway across decks that share a tag; two
cards with the same answer; distractors of mixed kinds (a year among names); a number with a
unit and no accept without it; a quote over 25 words or from the page's furniture; more than
five entries on one paragraph (counted over every deck linted with that text); paragraphs of
substance no card cites.

The source text is ``--source FILE`` or a deck's own ``source_text`` (relative to its file).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from trainer.answers import check_typed, fair, normalise
from trainer.formats.cloze import Gap, replace_gaps
from trainer.formats.model import ParsedDeck, StudyCard
from trainer.giveaways import giveaways
from trainer.words import terms

MAX_TYPED_WORDS = 5
MAX_PER_PARAGRAPH = 5
MIN_SUBSTANCE_WORDS = 20
MAX_QUOTE_WORDS = 25
# the captured page's furniture, not the article
FURNITURE = (
    "Support 110 years", "[See also:", "•", "Select and enter your email", "Visit our privacy",
    "Content from our partners", "Cover illustration by", "This article appears in",
)
TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u00a0": " ",
})
# a paragraph carries more entries than its share of the argument warrants when it has at
# least SHARE_MIN of them and more than SHARE_SLACK times its share; its share is that of the
# words it has in common with the rest of the text (a word of the argument recurs in at least
# RECURRING paragraphs; an anecdote's names and details do not)
SHARE_MIN = 3
SHARE_SLACK = 1.5
RECURRING = 4
# a question about a person's employer or title, and an answer that is one
ASKS_AFFILIATION = re.compile(
    r"\b(which|what)\s+(university|institution|institute|organi[sz]ation|think[- ]tank|centre|"
    r"center|body|bank|ministry|job|post|position|title|role|employer|affiliation)\b"
    r"|\b(works?|worked|working|scholar|fellow|director|official|professor|researcher|analyst|"
    r"head|chair|member)\s+(at|of|for|with|in)\s+(which|what)\b"
    r"|'s\s+(job|post|position|title|role|employer|affiliation)\b", re.IGNORECASE)
INSTITUTION = re.compile(
    r"\b(universit(y|ies)|institut(e|es|ion|ions)|cent(re|er)s?|college|school|academy|"
    r"foundation|council|ministry|bank|think[- ]tank|club|department|commission|agency|"
    r"endowment)\b", re.IGNORECASE)
TITLE = re.compile(
    r"\b(director|professor|lecturer|fellow|analyst|scholar|researcher|advis[eo]r|"
    r"chair(man|woman)?|minister|ambassador|official|editor|correspondent|economist|"
    r"historian)\b", re.IGNORECASE)
YEAR = re.compile(r"^\d{3,4}$")
NUMBER_FIRST = re.compile(r"^\s*[\d.,]*\d")  # "4,300 km", not "Power of Siberia 2"


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
    findings += _across(decks)
    findings += _paraphrased(decks)
    for text, group in _by_source(decks, source, findings).items():
        findings += _sources(group, paragraphs(text))
        missing = uncited(group, text)
        if missing:
            findings.append(Finding("source text", "uncited", False,
                                    "paragraphs of substance no card cites: "
                                    + ", ".join(map(str, missing))))
    return findings


def own_source(deck: ParsedDeck) -> str | None:
    """A deck's own ``source_text``, read relative to its file; None when it has none."""
    if not deck.source_text:
        return None
    path = Path(deck.origin).parent / deck.source_text
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OSError(f"{deck.origin}: source_text {deck.source_text!r}: cannot read "
                      f"({getattr(exc, 'strerror', None) or exc})") from None


def _by_source(decks: list[ParsedDeck], source: str | None,
               findings: list[Finding]) -> dict[str, list[ParsedDeck]]:
    """Decks grouped by the text their quotes are checked against."""
    groups: dict[str, list[ParsedDeck]] = defaultdict(list)
    for deck in decks:
        text = source
        if text is None:
            try:
                text = own_source(deck)
            except OSError as exc:
                findings.append(Finding(deck.origin, "deck", True, str(exc)))
        if text is not None:
            groups[text].append(deck)
    return groups


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
        for other in _giveaways(card, answers, exempt):
            whose = "its own answer" if other is card else f"the answer of {other.entry}"
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
        if card.kind == "typed":
            for message in _contradictions(card):
                add(card, True, message)
        if _affiliation(card):
            add(card, False, f"an affiliation or job title as the answer ({card.answer!r}): "
                "trivia beside what the person argues")
        if card.kind == "typed" and NUMBER_FIRST.match(card.answer) and not any(
                fair(a)[0].isdigit() for a in (card.answer, *card.accept)):
            add(card, False, f"the answer {card.answer!r} has a unit; accept the number alone")
    same = Counter(a for _, a in answers if a)
    for card, answer in answers:
        if answer and same[answer] > 1 and card.kind != "cloze":
            add(card, False, f"another card has the same answer ({card.answer!r})")
    return _unique(out)


def _giveaways(card: StudyCard, answers: list[tuple[StudyCard, str]],
               exempt: set[str]) -> list[StudyCard]:
    """The cards among ``answers`` whose answer ``card`` shows before it is answered."""
    seen = _words(_shown(card))
    out = []
    for other, answer in answers:
        if other is card and card.kind in ("cloze", "choice"):
            continue  # a gap is hidden; a choice's own answer is among its options
        if other is not card and other.entry == card.entry:
            continue  # a note's own gaps
        if not answer or set(answer.split()) <= exempt:
            continue
        if (len(answer) >= 3 or answer.isdigit()) and f" {answer} " in seen:
            out.append(other)
    return out


def _across(decks: list[ParsedDeck]) -> list[Finding]:
    """Warnings for giveaways between decks that share a tag: a student studying them
    together meets both cards."""
    out: list[Finding] = []
    for deck in decks:
        exempt = set(normalise(f"{deck.name} {deck.description}").split())
        for other in decks:
            if other is deck or not set(deck.tags) & set(other.tags):
                continue
            answers = [(card, normalise(card.answer)) for card in other.cards]
            for card in deck.cards:
                for shown in _giveaways(card, answers, exempt):
                    out.append(Finding(deck.origin, card.entry, False,
                                       f"shows the answer of {shown.entry} in {other.key} "
                                       f"({shown.answer!r})"))
    return _unique(out)


def _contradictions(card: StudyCard) -> list[str]:
    """An accept that says the opposite of the answer ("less than 20 years" for "more than 20
    years"), or a contradiction of the answer that the checker marks right."""
    words, sign = fair(card.answer)
    out = [f"accepts {accept!r}, which contradicts the answer {card.answer!r}"
           for accept in card.accept
           if (found := fair(accept)[1]) == 2 or (sign and found and found != sign)]
    if out or not any(ch.isdigit() for ch in words):
        return out
    for phrase, opposite in (("less than", -1), ("more than", 1)):
        said = f"{phrase} {words}"
        if opposite != sign and check_typed(said, card.answer, card.accept,
                                            prompt=card.prompt) == "right":
            out.append(f"marks {said!r} right, which contradicts the answer {card.answer!r}")
    return out


def _affiliation(card: StudyCard) -> bool:
    """Where a person works or what their title is, asked for as the answer."""
    if card.kind == "cloze":  # "a former official of the [...]", "Cold War [...]"
        return bool(TITLE.search(card.answer) or (INSTITUTION.search(card.answer)
                                                  and TITLE.search(card.prompt)))
    return bool(ASKS_AFFILIATION.search(card.prompt) and (
        INSTITUTION.search(card.answer) or TITLE.search(card.answer)))


def _paraphrased(decks: list[ParsedDeck]) -> list[Finding]:
    """Give-aways in other words, across every deck linted together (trainer.giveaways); one
    that a whole-word match already reports (same deck, or decks that share a tag) is left to
    it."""
    deck_of = {id(card): deck for deck in decks for card in deck.cards}
    out = []
    for found in giveaways([card for deck in decks for card in deck.cards]):
        deck, other = deck_of[id(found.shower)], deck_of[id(found.victim)]
        answer = normalise(found.victim.answer)
        together = deck is other or bool(set(deck.tags) & set(other.tags))
        if together and answer and f" {answer} " in _words(_shown(found.shower)):
            continue
        out.append(Finding(deck.origin, found.shower.entry, False, found.message()))
    return _unique(out)


def _without_gap(text: str, number: int) -> str:
    """The cloze text as the card shows it, its own gap left out."""
    def fill(gap: Gap) -> str:
        return "" if gap.number == number else gap.answer

    return replace_gaps(text, fill)


def _sources(decks: list[ParsedDeck], paras: list[str]) -> list[Finding]:
    out: list[Finding] = []
    per_paragraph: dict[int, set[str]] = defaultdict(set)
    for deck in decks:
        for card in deck.cards:
            if not card.source_quote:
                continue
            quote = plain_quote(card.source_quote)
            para = card.source_para or 0
            per_paragraph[para].add(card.entry)

            def add(error: bool, message: str, card: StudyCard = card,
                    origin: str = deck.origin) -> None:
                out.append(Finding(origin, card.entry, error, message))

            if len(quote.split()) > MAX_QUOTE_WORDS:
                add(False, f"a quote of {len(quote.split())} words (at most {MAX_QUOTE_WORDS})")
            if not 1 <= para <= len(paras):
                add(True, f"paragraph {para} does not exist")
            elif quote not in paras[para - 1]:
                found = [i + 1 for i, p in enumerate(paras) if quote in p]
                hint = f"it is in paragraph {found[0]}" if found else "not in the source"
                add(True, f"quote not in paragraph {para} ({hint})")
            elif paras[para - 1].startswith(FURNITURE):
                add(False, f"paragraph {para} is the page's furniture, not the text")
    where = decks[0].origin if len(decks) == 1 else "decks"
    for para, entries in sorted(per_paragraph.items()):
        if len(entries) > MAX_PER_PARAGRAPH:
            out.append(Finding(where, f"paragraph {para}", False,
                               f"{len(entries)} entries on one paragraph (at most "
                               f"{MAX_PER_PARAGRAPH}): {', '.join(sorted(entries))}"))
    for para, entries, share in _overweighted(per_paragraph, paras):
        out.append(Finding(where, f"paragraph {para}", False,
                           f"{len(entries)} entries, more than its share of the argument "
                           f"warrants (about {share}: few of its words recur in the rest of "
                           f"the text): {', '.join(sorted(entries))}"))
    return _unique(out)


def _overweighted(per_paragraph: dict[int, set[str]],
                  paras: list[str]) -> list[tuple[int, set[str], int]]:
    """Paragraphs cited by more entries than their share of the argument warrants, with that
    share: an anecdote (its own names and details) earns fewer entries than the thesis."""
    substance = {i + 1: set(terms(p)) for i, p in enumerate(paras) if is_substance(p)}
    if len(substance) < 2 * RECURRING:
        return []  # too short a text to tell its argument from its asides
    spread = Counter(t for words in substance.values() for t in words)
    argument = {p: sum(spread[t] >= RECURRING for t in words) for p, words in substance.items()}
    cited = {p: e for p, e in per_paragraph.items() if p in argument}
    total = sum(argument[p] for p in cited)
    count = sum(len(e) for e in cited.values())
    out = []
    for para, entries in sorted(cited.items()):
        share = count * argument[para] / total if total else 0.0
        if len(entries) >= SHARE_MIN and len(entries) > SHARE_SLACK * share:
            out.append((para, entries, max(1, round(share))))
    return out


def uncited(decks: list[ParsedDeck], source: str) -> list[int]:
    """Paragraphs of substance that no card of ``decks`` cites."""
    cited = {card.source_para for deck in decks for card in deck.cards}
    return [i + 1 for i, p in enumerate(paragraphs(source)) if is_substance(p)
            and i + 1 not in cited]


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
