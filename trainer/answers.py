"""Checking typed answers and shuffling choices. Pure functions, no I/O."""

from __future__ import annotations

import random
import re
import string
import unicodedata

from trainer.rules import Verdict
from trainer.words import plain, stem

PUNCTUATION = re.compile(rf"[{re.escape(string.punctuation)}\u2018\u2019\u201c\u201d\u2013\u2014]")
DIGITS = re.compile(r"\d")


# a point between digits that is not a thousands separator (1.000.000): 4.5 is not 45
DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)(?!\d{3}(?:\D|$))")


def normalise(text: str) -> str:
    """Case, accents, punctuation and white space do not matter; digits keep their order,
    and a decimal point its place."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("-", " ")
    text = DECIMAL_POINT.sub(" point ", text)
    text = PUNCTUATION.sub("", text)
    return " ".join(text.split())


# -- what a fair reader ignores: the words around an answer that carry no fact -------------

ARTICLES = {"the", "a", "an"}
APPROXIMATE = {"about", "around", "roughly", "approximately", "approx", "estimated", "some",
               "circa", "c", "ca", "just"}
# a qualifier's direction: +1 over, -1 under; the longest phrase is read first
DIRECTIONS = {
    "more than": 1, "over": 1, "above": 1, "upwards of": 1, "at least": 1, "plus": 1,
    "no less than": 1, "not less than": 1, "in excess of": 1, "or more": 1, "or over": 1,
    "less than": -1, "under": -1, "below": -1, "nearly": -1, "almost": -1, "fewer than": -1,
    "up to": -1, "at most": -1, "no more than": -1, "not more than": -1, "short of": -1,
    "or less": -1, "or fewer": -1, "or under": -1, "or so": 0,
}
UNITS = [  # longest first: written out or abbreviated, one word
    ("square kilometres", "km2"), ("square kilometers", "km2"), ("square kilometre", "km2"),
    ("square kilometer", "km2"), ("square km", "km2"), ("sq km", "km2"), ("km 2", "km2"),
    ("kilometres", "km"), ("kilometers", "km"), ("kilometre", "km"), ("kilometer", "km"),
    ("kms", "km"), ("per cent", "%"), ("percent", "%"),
    ("billions", "billion"), ("millions", "million"),
    ("yrs", "years"), ("yr", "years"), ("year", "years"),
    ("decade", "decades"), ("centuries", "century"),
]
AFTER_A_NUMBER = {"m": "million", "mn": "million", "bn": "billion", "pc": "%"}  # "1m", "40 pc"
ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen"]
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
SPANS = {"decades": 10, "century": 100}  # "two decades" is 20 years, "a century" 100
NUMBER_WORDS = {*ONES, *TENS, *SCALES, *SPANS}
# words a student adds around an answer that change no fact: "in 2005", "45% of its oil"
FILLERS = ARTICLES | {"in", "on", "at", "by", "for", "during", "of", "to", "from", "within",
                      "its", "his", "her", "their", "own", "s", "it", "was", "is",
                      # words that only point at the answer: "the so-called unequal
                      # treaties", "it became known as…", "40% of all its imports"
                      "so", "called", "known", "as", "became", "become", "all", "total",
                      "overall", "whole"}
# never harmless around an answer, even where the prompt has them: they add or deny a claim
BLOCKED = {"not", "no", "never", "nor", "or", "and", "but", "except", "without", "than",
           "instead", "neither", "either", "before", "after", "since", "until", "till",
           "only", "both"}
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def _numbers(words: list[str]) -> list[str]:
    """Number words and digits as one number each: 'seventeen' -> '17', 'twenty one' -> '21',
    'a million' and '1 million' -> '1000000', 'two decades' and '20 years' -> '20 years'."""
    out: list[str] = []
    big: float | None = None  # the number being read: its millions and thousands...
    small = 0.0  # ...and its part below them

    def flush() -> None:
        nonlocal big, small
        if big is not None:
            total = big + small
            out.append(str(int(total)) if total == int(total) else str(total))
        big, small = None, 0.0

    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        reading = big is not None
        if not reading and word in ("a", "an", "one") and nxt in (*SCALES, *SPANS):
            big, small = 0.0, 1.0
        elif not reading and NUMBER.match(word):
            big, small = 0.0, float(word)
        elif word in ONES and (not reading or small % 100 == 0
                               or (small % 100 >= 20 and small % 10 == 0)):
            big, small = big or 0.0, small + ONES.index(word)
        elif word in TENS and (not reading or small % 100 == 0):
            big, small = big or 0.0, small + TENS[word]
        elif word in SCALES and reading:
            if word == "hundred":
                small = (small or 1) * 100
            else:
                big, small = (big or 0.0) + (small or 1) * SCALES[word], 0.0
        elif word == "hundred":  # "hundred years of humiliation"
            big, small = 0.0, 100.0
        elif word in SPANS and reading:
            big, small = 0.0, ((big or 0.0) + small) * SPANS[word]
            flush()
            out.append("years")
        elif word in SPANS:  # "century of humiliation", "a century"
            flush()
            out += [str(SPANS[word]), "years"]
        elif word == "and" and reading and small % 100 == 0 and (nxt in ONES or nxt in TENS):
            continue  # "one hundred and twenty"
        else:
            flush()
            out.append(word)
    flush()
    return out


def _direction(text: str) -> tuple[str, int]:
    """The text without its directional qualifiers, and their direction: +1 over, -1 under,
    0 none, 2 both at once (which no answer has). Only beside a number: "under Qianlong" is
    a preposition, "under 20" a qualifier."""
    if not any(w[:1].isdigit() or w in NUMBER_WORDS for w in text.split()):
        return text, 0
    signs = set()
    for phrase in sorted(DIRECTIONS, key=len, reverse=True):
        pattern = rf"(^| ){re.escape(phrase)}( |$)"
        while re.search(pattern, text):
            signs.add(DIRECTIONS[phrase])
            text = re.sub(pattern, " ", text, count=1).strip()
    signs.discard(0)
    return text, (signs.pop() if len(signs) == 1 else 2 if signs else 0)


def _possessive(words: list[str]) -> list[str]:
    """'china s economy' as 'economy of china': one order for one idea."""
    if "s" in words[1:]:
        i = words.index("s", 1)
        return [*words[:i - 1], *words[i + 1:], "of", words[i - 1]]
    return words


def _fair_words(text: str) -> tuple[list[str], int]:
    text = plain(text)
    text = text.replace("%", " % ").replace("km^2", "km2").replace("km²", "km2")
    text = re.sub(r"(?<=\d)\s*\+", " plus ", text)  # 20+ is 20 plus
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 4,300 is 4300
    text = re.sub(r"\b(\d{1,3})((?:\.\d{3})+)\b(?!\.\d)",
                  lambda m: m.group(1) + m.group(2).replace(".", ""), text)  # 1.000.000
    text = text.replace("-", " ")
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # a full stop, not a decimal point
    text = re.sub(r"[^\w%. ]", " ", text)
    text = re.sub(r"(?<=\d)(?=[^\W\d_])", " ", text)  # 4300km is 4300 km
    text = re.sub(r"\b\d{1,3}(?: \d{3})+\b", lambda m: m.group(0).replace(" ", ""),
                  text)  # 1 000 000
    text = " ".join(text.split())
    for written, short in UNITS:
        text = re.sub(rf"(^| ){re.escape(written)}( |$)", f" {short} ", text).strip()
    for written, short in AFTER_A_NUMBER.items():
        text = re.sub(rf"(?<=\d) {written}(?= |$)", f" {short}", text)
    text, sign = _direction(" ".join(text.split()))
    words = [w for w in text.split() if w not in APPROXIMATE]
    words = _possessive(_numbers(words))
    words = [w for w in words if w != "of"]  # "the economy of China" is "China's economy"
    while words and words[0] in ARTICLES:
        words = words[1:]
    return words, sign


def fair(text: str) -> tuple[str, int]:
    """An answer as a fair reader compares it: no leading article, no approximation, number
    words and digits as one number, one spelling of each unit and of per cent, a century as
    100 years; with its direction (over or under), which may be left out but not contradicted."""
    words, sign = _fair_words(text)
    return " ".join(words), sign


def _echoes(prompt: str, answer: str) -> set[str]:
    """The prompt's own words, stemmed, which a student may say back ("32 countries" to "how
    many countries", "Kazakhstan in 2013" to "in 2013"). Its names too when the answer is a
    name or a number ("China's Century of Humiliation"), which a name beside it cannot turn
    into another; not beside a common noun, where it changes the fact ("the economy of
    Russia" is not "the Chinese economy")."""
    names = {plain(m.group(0)).removesuffix("'s") for m in re.finditer(r"[^\W\d_][\w'’]*", prompt)
             if m.start() > 0 and m.group(0)[0].isupper()}
    named = answer.strip()[:1].isupper() or any(ch.isdigit() for ch in answer) or any(
        w in NUMBER_WORDS for w in plain(answer).split())
    said, _ = _fair_words(prompt)
    return {stem(w) for w in said if w not in BLOCKED and (named or w not in names)}


def _places(said: list[str], target: list[str], echoes: set[str]) -> list[list[str]]:
    """The runs of ``said`` as long as ``target`` that stand alone: everything around them is
    a filler or an echo of the prompt."""
    n = len(target)
    return [said[start:start + n] for start in range(len(said) - n + 1)
            if all(_harmless(w, target, echoes) for w in said[:start] + said[start + n:])]


def _harmless(word: str, target: list[str], echoes: set[str]) -> bool:
    if word in BLOCKED:
        return False
    if any(ch.isdigit() for ch in word):
        return word in echoes  # a number only when the prompt gave it
    if word in FILLERS:
        return True
    if word == "years" and len(target) == 1 and re.fullmatch(r"\d{3,4}", target[0]):
        return True  # "in the year 2005"
    return stem(word) in echoes


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


# a prefix that turns a word into its opposite: "equal treaties" is no typo of "unequal"
NEGATING = ("un", "in", "im", "il", "ir", "non", "dis", "a")
# prefixes that swap a word for its opposite: "exports" is no typo of "imports"
OPPOSITE_PREFIXES = (("ex", "im"), ("im", "ex"), ("over", "under"), ("under", "over"),
                     ("in", "out"), ("out", "in"), ("max", "min"), ("min", "max"))


def _negates(a: str, b: str) -> bool:
    """Whether one of the two texts says a word of the other with a negating prefix, or with
    the opposite prefix."""
    words_a, words_b = set(a.split()), set(b.split())
    for one, other in ((words_a, words_b), (words_b, words_a)):
        for w in one - other:
            if any(f"{p}{w}" in other for p in NEGATING):
                return True
            if any(w.startswith(p) and f"{q}{w[len(p):]}" in other
                   for p, q in OPPOSITE_PREFIXES):
                return True
    return False


def _close(said: str, target: str) -> bool:
    if DIGITS.findall(said) != DIGITS.findall(target):
        return False  # 1948 for 1949 is wrong, never close
    numbers = _number_words(said)
    if (numbers and numbers != _number_words(target)) or _negates(said, target):
        return False  # "1 billion" for "1 million" is wrong, never a typo
    return _distance(said, target, _allowed_typos(target)) <= _allowed_typos(target)


def _number_words(text: str) -> list[str]:
    """The numbers a text says, read whole ("1 billion" is 1000000000)."""
    return [w for w in _fair_words(text)[0] if NUMBER.match(w)]


def check_typed(given: str, answer: str, accept: list[str] | tuple[str, ...] = (),
                prompt: str = "") -> Verdict:
    """'right', 'close' (a small typo) or 'wrong'. Numbers and years must match exactly; a
    qualifier ("more than") may be left out, never contradicted nor added; words around the
    answer are harmless only when they carry no fact: an article, a preposition ("in 2005"), a
    word of the prompt ("32 countries" to "how many countries")."""
    said = normalise(given)
    if not said:
        return "wrong"
    targets = [normalise(t) for t in (answer, *accept) if normalise(t)]
    if said in targets:
        return "right"
    fair_said, said_sign = _fair_words(given)
    fair_targets = [words for words, _ in map(_fair_words, (answer, *accept)) if words]
    directions = {sign for _, sign in map(_fair_words, (answer, *accept)) if sign}
    if said_sign and said_sign not in directions:
        return "wrong"  # "less than 20" for "more than 20", "over 32" for "32"
    echoes = _echoes(prompt, answer) if prompt else set()
    places = [(place, words) for words in fair_targets
              for place in _places(fair_said, words, echoes)]
    if any(place == words for place, words in places):
        return "right"
    if any(_close(said, target) for target in targets):
        return "close"
    if any(_close(" ".join(place), " ".join(words)) for place, words in places):
        return "close"
    return "wrong"


def choice_options(answer: str, distractors: list[str], seed: int, showing: int = 0) -> list[str]:
    """The options for a card's ``showing``-th showing: the distractors in a new order each
    time, and the answer one place further on each time, so its position is never learnt."""
    options = list(distractors)
    random.Random(seed * 7919 + showing).shuffle(options)
    options.insert((seed + showing) % (len(options) + 1), answer)
    return options
