"""Anki-style clozes: ``{{c1::answer}}`` and ``{{c1::answer::hint}}``.

Read by a scanner, not a regular expression: ``\\{\\{c(\\d+)::(.*?)(?:::(.*?))?\\}\\}`` tried every
``{{c1::`` against the rest of the text, so a line of unclosed gaps took minutes (96 KB:
longer than ten minutes). Here each gap is its opening, its number and the first ``}}`` after
it; once no ``}}`` follows, no gap can, and the scan stops: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_OPENING = re.compile(r"c(\d+)::")
# a cloze number longer than this is refused by the limits (trainer.formats.limits) anyway:
# read as this, it never reaches int() (which refuses more than 4,300 digits)
_DIGITS = 9
TOO_LARGE = 10**_DIGITS


@dataclass(frozen=True, slots=True)
class Gap:
    """One cloze in a text, where it stands: what the scanner found, for the prompt, the
    answer and the limits' checks."""

    start: int  # where ``{{`` is
    end: int  # just after ``}}``
    number: int
    answer: str
    hint: str | None


def gaps(text: str) -> Iterator[Gap]:
    """Every gap of ``text``, in order."""
    at = 0
    while (start := text.find("{{c", at)) >= 0:
        opening = _OPENING.match(text, start + 2)
        if opening is None:
            at = start + 1
            continue
        close = text.find("}}", opening.end())
        if close < 0:
            return
        digits = opening.group(1)
        number = int(digits) if len(digits) <= _DIGITS else TOO_LARGE
        answer, colons, hint = text[opening.end():close].partition("::")
        yield Gap(start, close + 2, number, answer, hint if colons else None)
        at = close + 2


def replace_gaps(text: str, fill: Callable[[Gap], str]) -> str:
    """``text`` with each gap replaced by ``fill(gap)``."""
    out: list[str] = []
    at = 0
    for gap in gaps(text):
        out += (text[at:gap.start], fill(gap))
        at = gap.end
    out.append(text[at:])
    return "".join(out)


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in ``text``, ascending."""
    return sorted({gap.number for gap in gaps(text)})


def cloze_prompt(text: str, number: int) -> str:
    """The text with cloze ``number`` hidden as ``[...]`` (or ``[hint]``), the others shown."""

    def hide(gap: Gap) -> str:
        if gap.number != number:
            return gap.answer
        return f"[{gap.hint}]" if gap.hint else "[...]"

    return replace_gaps(text, hide)


def cloze_answer(text: str, number: int) -> str:
    """The hidden part(s) of cloze ``number``, joined with ', '."""
    return ", ".join(gap.answer for gap in gaps(text) if gap.number == number)


def cloze_full(text: str) -> str:
    """The text with every cloze filled in."""
    return replace_gaps(text, lambda gap: gap.answer)
