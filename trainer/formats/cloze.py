"""Anki-style clozes: ``{{c1::answer}}`` and ``{{c1::answer::hint}}``."""

from __future__ import annotations

import re

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in ``text``, ascending."""
    return sorted({int(m.group(1)) for m in CLOZE.finditer(text)})


def cloze_prompt(text: str, number: int) -> str:
    """The text with cloze ``number`` hidden as ``[...]`` (or ``[hint]``), the others shown."""

    def hide(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else "[...]"

    return CLOZE.sub(hide, text)


def cloze_answer(text: str, number: int) -> str:
    """The hidden part(s) of cloze ``number``, joined with ', '."""
    return ", ".join(m.group(2) for m in CLOZE.finditer(text) if int(m.group(1)) == number)


def cloze_full(text: str) -> str:
    """The text with every cloze filled in."""
    return CLOZE.sub(lambda m: m.group(2), text)
