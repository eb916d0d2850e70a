"""Give-aways a reader catches and a whole-word match does not: one card's text that says
another card's answer in other words ("drawn together against Western imperialism" for "the
supposed threat from Western imperialism"), across every deck linted together.

A card X gives away card Y when one sentence that X shows (its prompt or visible cloze text,
its options; on its back its explanation and its quote, which a student reads before meeting
Y) holds

- at least half of Y's answer, by weight, together with words of Y's question (at least
  CONTEXT of weight): X says the fact Y asks for, not just one of its words; or
- for a choice Y, a rare word that only Y's answer has (none of its distractors), when X and Y
  cite the same or neighbouring paragraphs: that word alone picks the answer.

Words are compared by their stems (trainer.words), stop words dropped. A word weighs by how
rare it is across the entries linted (inverse document frequency, so "China" in a deck about
China weighs little), twice for a name or a number. The thresholds were set on the bundled
decks against the give-aways a reviewer found by reading.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from trainer.formats.model import StudyCard
from trainer.words import STOP_WORDS, plain, stem

HALF = 0.5  # share of the answer's weight that one sentence must say
CONTEXT = 6.0  # weight of the question's words beside it (two names, or three rare words)
CHOICE_CONTEXT = 2.0  # a choice's give-away also says something of its question
MIN_ENTRIES = 30  # below this many entries, weights are those of 30 (a small deck is not a corpus)
NEAR = 1  # paragraphs this close are one passage
TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Giveaway:
    shower: StudyCard  # the card whose text says it
    victim: StudyCard  # the card whose answer it says
    said: tuple[str, ...]  # the answer's words, as the shower says them
    beside: tuple[str, ...]  # the question's words it says with them

    def message(self) -> str:
        answer = self.victim.answer
        if len(answer) > 60:
            answer = answer[:57] + "..."
        beside = f" beside {', '.join(map(repr, self.beside))}" if self.beside else ""
        return (f"gives away {label(self.victim)} ({answer!r}): says "
                f"{', '.join(map(repr, self.said))}{beside}")


def label(card: StudyCard) -> str:
    return f"{card.entry} c{card.cloze_number}" if card.cloze_number is not None else card.entry


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word as written, its stem) for each content word, in order."""
    out = []
    for match in TOKEN.finditer(text.replace("\u2019", "'")):
        word = re.sub(r"'s$", "", match.group(0))
        if plain(word) not in STOP_WORDS:
            out.append((word, stem(word)))
    return out


def _terms(text: str) -> set[str]:
    return {s for _, s in _tokens(text)}


def _sentences(card: StudyCard) -> list[str]:
    """What a student sees of ``card``: its front (prompt, visible cloze text, options), and
    on its back the explanation and the quote, sentence by sentence."""
    fields = [card.prompt, *(([card.answer, *card.distractors]) if card.kind == "choice" else []),
              card.explanation, card.source_quote]
    return [s for field in fields for s in SENTENCE.split(field) if s.strip()]


def _question(card: StudyCard) -> str:
    return card.prompt  # a cloze's prompt is its text with the gap hidden


class _Weights:
    """How much each stem says: rare across the entries weighs more, a name or number double."""

    def __init__(self, cards: list[StudyCard]) -> None:
        entries: dict[str, set[str]] = {}
        lower: set[str] = set()
        for card in cards:
            texts = [*_sentences(card), card.answer]
            entries.setdefault(card.entry, set()).update(t for x in texts for t in _terms(x))
            lower |= {s for x in texts for w, s in _tokens(x) if w[:1].islower()}
        self.df = Counter(t for terms in entries.values() for t in terms)
        self.n = max(MIN_ENTRIES, len(entries))
        self.cap = math.log(self.n / 3)
        self.lower = lower
        self.rare = max(3, len(entries) // 25)

    def __call__(self, term: str) -> float:
        base = min(self.cap, max(0.0, math.log(self.n / max(1, self.df[term]))))
        return base * (2 if term.isdigit() or term not in self.lower else 1)

    def total(self, terms: Iterable[str]) -> float:
        return sum(self(t) for t in terms)


def giveaways(cards: list[StudyCard]) -> list[Giveaway]:
    """Every pair of distinct entries where the shower gives the victim's answer away, once
    per shower entry and victim study card."""
    weigh = _Weights(cards)
    shown = {id(card): [(s, _terms(s)) for s in _sentences(card)] for card in cards}
    out: list[Giveaway] = []
    seen: set[tuple[str, str]] = set()
    for victim in cards:
        answer = _terms(victim.answer)
        if not answer or not weigh.total(answer):
            continue
        question = _terms(_question(victim)) - answer
        only = answer - {t for d in victim.distractors for t in _terms(d)}
        for shower in cards:
            if shower.entry == victim.entry or (shower.entry, victim.key) in seen:
                continue
            for sentence, terms in shown[id(shower)]:
                found = _says(weigh, victim, shower, answer, question, only, terms)
                if found:
                    said, beside = found
                    out.append(Giveaway(shower, victim, _as_written(sentence, said),
                                        _as_written(sentence, beside)))
                    seen.add((shower.entry, victim.key))
                    break
    return out


def _says(weigh: _Weights, victim: StudyCard, shower: StudyCard, answer: set[str],
          question: set[str], only: set[str], terms: set[str]) -> tuple[set[str], set[str]] | None:
    said = answer & terms
    if not said:
        return None
    beside = question & terms
    if weigh.total(said) >= HALF * weigh.total(answer) and weigh.total(beside) >= CONTEXT:
        return said, beside
    near = (victim.source_para is not None and shower.source_para is not None
            and abs(victim.source_para - shower.source_para) <= NEAR)
    picks = {t for t in only & terms if weigh.df[t] <= weigh.rare}
    if victim.kind == "choice" and near and picks and weigh.total(beside) >= CHOICE_CONTEXT:
        return picks, beside
    return None


def _as_written(sentence: str, terms: set[str]) -> tuple[str, ...]:
    """The runs of words of ``sentence`` whose stems are among ``terms``, as written (a stop
    word or a comma ends a run: "Stalin and Mao" is two, "Iran-Saudi" one)."""
    runs: list[list[int]] = []  # [start, end] of each run
    previous_hit = False
    for match in TOKEN.finditer(sentence):
        word = re.sub(r"['\u2019]s$", "", match.group(0))
        hit = plain(word) not in STOP_WORDS and stem(word) in terms
        end = match.start() + len(word)
        if hit and previous_hit and sentence[runs[-1][1]:match.start()] in (" ", "-"):
            runs[-1][1] = end
        elif hit:
            runs.append([match.start(), end])
        previous_hit = hit
    return tuple(dict.fromkeys(sentence[start:end] for start, end in runs))
