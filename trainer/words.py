"""Words as a reader weighs them: stop words dropped, the rest stemmed (Snowball's English
stemmer, so "countries" is "country" and "imperialism" is "imperial"). Pure functions."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

# Snowball's English stop list, plus the few words every card says ("according to the article")
STOP_WORDS = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "cannot", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "let", "me", "more", "most", "my", "myself", "no", "nor", "not", "of", "off", "on",
    "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own",
    "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
    "yourselves", "s", "t", "also", "according", "article", "says", "said", "say", "even", "still",
    "now", "much", "many",
})
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
NEGATED = ("in", "un")  # "unequal" and "inequality" are one idea to a reader


def plain(text: str) -> str:
    """Accents off, curly apostrophes straight, case folded."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace(
        "\u2019", "'").replace("\u2018", "'").casefold()


@cache
def _stemmer() -> Any:
    # imported on first use: the package loads all its 36 stemmers (~80 ms), which a study
    # session needs only for an answer that is not right as typed
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@cache
def stem(word: str) -> str:
    """One word's stem, a negating prefix made one ("unequal" and "inequality" share it)."""
    stemmed: str = _stemmer().stemWord(word.casefold())
    if stemmed.startswith(NEGATED) and len(stemmed) >= 5:
        stemmed = "un" + stemmed[2:]
    return stemmed


def words(text: str) -> list[str]:
    """The words of a text in order, a possessive 's dropped, not yet stemmed."""
    return [re.sub(r"'s$", "", m.group(0)) for m in WORD.finditer(plain(text))]


def terms(text: str) -> list[str]:
    """A text's content words, stemmed, in order: what it says, not how."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]
