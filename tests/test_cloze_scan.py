"""Clozes are read in one pass: the same gaps the old regular expression found, without its
time on a line of unclosed gaps."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.formats.cloze import cloze_answer, cloze_full, cloze_numbers, cloze_prompt

OLD = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def old_numbers(text: str) -> list[int]:
    return sorted({int(m.group(1)) for m in OLD.finditer(text)})


def old_prompt(text: str, number: int) -> str:
    def hide(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else "[...]"
    return OLD.sub(hide, text)


@pytest.mark.parametrize("text", [
    "The {{c1::capital}} of {{c2::France::country}} is {{c1::Paris}}.",
    "{{c1::a::}} {{c2::::h}} {{c3::}}",
    "{{c1::multi\nline}} and {{c1::x}",
    "{{c1::a}}}} {{{c2::b}}",
    "{{c1::a::b::c}}",
    "no gaps {{c::x}} {{cx::y}} {{c1:z}}",
    "{{c1::{{c2::inner}}}}",
])
def test_the_same_gaps_as_before(text):
    assert cloze_numbers(text) == old_numbers(text)
    for n in old_numbers(text):
        assert cloze_prompt(text, n) == old_prompt(text, n)
        assert cloze_answer(text, n) == ", ".join(
            m.group(2) for m in OLD.finditer(text) if int(m.group(1)) == n)
    assert cloze_full(text) == OLD.sub(lambda m: m.group(2), text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}c1:2 ab\n", max_size=60))
def test_any_short_text_reads_as_before(text):
    assert cloze_numbers(text) == old_numbers(text)
    for n in old_numbers(text):
        assert cloze_prompt(text, n) == old_prompt(text, n)


def test_a_line_of_unclosed_gaps_is_read_in_one_pass():
    # the regular expression took longer than ten minutes on this 96 KB line
    assert cloze_numbers("{{c1::" * 16_000) == []
    assert cloze_numbers("{{c1::x::" * 10_000 + "}}") == [1]


def test_a_cloze_number_of_thousands_of_digits_is_a_number_the_limits_refuse():
    # int() refuses more than 4,300 digits; the limits refuse any number over 1,000,000
    assert cloze_numbers("{{c" + "9" * 5000 + "::x}}")[0] > 1_000_000
