"""Checking typed answers and shuffling choices. Pure functions, no I/O."""

from __future__ import annotations

import random
import re
import string
import unicodedata

from trainer.rules import Verdict

PUNCTUATION = re.compile(rf"[{re.escape(string.punctuation)}\u2018\u2019\u201c\u201d\u2013\u2014]")
DIGITS = re.compile(r"\d")


def normalise(text: str) -> str:
    """Case, accents, punctuation and white space do not matter; digits keep their order."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("-", " ")
    text = PUNCTUATION.sub("", text)
    return " ".join(text.split())


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _allowed_typos(answer: str) -> int:
    n = len(answer)
    return 0 if n < 5 else 1 if n < 10 else 2


def check_typed(given: str, answer: str, accept: list[str] | tuple[str, ...] = ()) -> Verdict:
    """'right', 'close' (a small typo) or 'wrong'. Numbers and years must match exactly."""
    said = normalise(given)
    if not said:
        return "wrong"
    targets = [normalise(t) for t in (answer, *accept) if normalise(t)]
    if said in targets:
        return "right"
    for target in targets:
        if DIGITS.findall(said) != DIGITS.findall(target):
            continue  # 1948 for 1949 is wrong, never close
        if _distance(said, target, _allowed_typos(target)) <= _allowed_typos(target):
            return "close"
    return "wrong"


def choice_options(answer: str, distractors: list[str], seed: int, showing: int = 0) -> list[str]:
    """The options for a card's ``showing``-th showing: the distractors in a new order each
    time, and the answer one place further on each time, so its position is never learnt."""
    options = list(distractors)
    random.Random(seed * 7919 + showing).shuffle(options)
    options.insert((seed + showing) % (len(options) + 1), answer)
    return options

