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


# -- what a fair reader ignores: the words around an answer that carry no fact -------------

ARTICLES = {"the", "a", "an"}
APPROXIMATE = {"about", "around", "roughly", "approximately", "approx", "estimated", "some",
               "circa", "c", "ca", "just"}
UP = ("more than", "over", "above", "upwards of", "at least")
DOWN = ("less than", "under", "below", "nearly", "almost", "fewer than", "just under")
UNITS = [  # longest first: written out or abbreviated, one word
    ("square kilometres", "km2"), ("square kilometers", "km2"), ("square km", "km2"),
    ("sq km", "km2"), ("km²", "km2"), ("kilometres", "km"), ("kilometers", "km"),
    ("kilometre", "km"), ("kilometer", "km"), ("per cent", "%"), ("percent", "%"),
    ("billions", "billion"), ("millions", "million"), ("bn", "billion"), ("m", "million"),
]
ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen"]
SCALES = {"hundred", "thousand", "million", "billion"}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}


def _numbers(words: list[str]) -> list[str]:
    """Number words as digits: 'seventeen' -> '17', 'twenty one' -> '21'."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in TENS:
            value = TENS[word]
            if i + 1 < len(words) and words[i + 1] in ONES[1:10]:
                value += ONES.index(words[i + 1])
                i += 1
            out.append(str(value))
        elif word in ONES:
            out.append(str(ONES.index(word)))
        elif word == "hundred" and out and out[-1].isdigit():
            out[-1] = str(int(out[-1]) * 100)
        else:
            out.append(word)
        i += 1
    return out


def _direction(text: str) -> tuple[str, int]:
    """The text without its directional qualifier, and the direction: +1 over, -1 under."""
    for phrases, sign in ((DOWN, -1), (UP, 1)):
        for phrase in phrases:
            pattern = rf"(^| ){re.escape(phrase)}( |$)"
            if re.search(pattern, text):
                return re.sub(pattern, " ", text).strip(), sign
    return text, 0


def fair(text: str) -> tuple[str, int]:
    """An answer as a fair reader compares it: no leading article, no approximation, number
    words as digits, one spelling of each unit and of per cent; with its direction (over or
    under), which may be left out but not contradicted."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("%", " % ").replace("-", " ")
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 4,300 is 4300
    text = re.sub(r"[^\w%² ]", " ", text)
    text = re.sub(r"(?<=\d)(?=[^\W\d_])", " ", text)  # 4300km is 4300 km
    text = " ".join(text.split())
    for written, short in UNITS:
        text = re.sub(rf"(?<=\d) ?{re.escape(written)}(?= |$)", f" {short}", text)
        text = re.sub(rf"(^| ){re.escape(written)}( |$)", f" {short} ", text).strip()
    text, sign = _direction(" ".join(text.split()))
    words = [w for w in text.split() if w not in APPROXIMATE]
    words = ["1" if w in ("a", "an", "one") and nxt in SCALES else w  # "a million" is 1 million
             for w, nxt in zip(words, [*words[1:], ""], strict=True)]
    while words and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(_numbers(words)), sign


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
    fair_said, said_sign = fair(given)
    for target in (answer, *accept):
        fair_target, sign = fair(target)
        if fair_said and fair_said == fair_target and not (said_sign and sign and
                                                           said_sign != sign):
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

