from __future__ import annotations

import pytest

from trainer.answers import check_typed, choice_options, normalise


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("17", "right"), ("seventeen", "right"), ("17 days", "right"), (" 17 ", "right"),
        ("18", "wrong"), ("", "wrong"), ("seventen", "close"), ("17 dayz", "close"),
        ("18 days", "wrong"),
    ],
)
def test_numbers(given, expected):
    assert check_typed(given, "17", ["seventeen", "17 days"]) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1949", "right"), ("1948", "wrong"), ("19499", "wrong"),
    ],
)
def test_years_must_match_exactly(given, expected):
    assert check_typed(given, "1949") == expected


@pytest.mark.parametrize(
    ("given", "answer", "expected"),
    [
        ("sino soviet", "Sino-Soviet", "right"),
        ("SINO-SOVIET", "Sino-Soviet", "right"),
        ("Qianlong", "Qianlong", "right"),
        ("Qianlongg", "Qianlong", "close"),      # 8 letters: one typo is close
        ("Qianlonggg", "Qianlong", "wrong"),
        ("Kazakstan", "Kazakhstan", "close"),    # 10 letters: up to two
        ("Kazkstn", "Kazakhstan", "wrong"),
        ("Amor", "Amur", "wrong"),               # under 5 letters: exact only
        ("Fyodor Baïkov", "Fyodor Baikov", "right"),  # accents ignored
        ("the amur!", "the Amur", "right"),
        ("4300 km", "4,300 km", "right"),
    ],
)
def test_words(given, answer, expected):
    assert check_typed(given, answer) == expected


def test_normalise():
    assert normalise("  Ruler   of the EAST. ") == "ruler of the east"
    assert normalise("People’s") == "peoples"


def test_choice_order_is_stable_per_seed():
    a = choice_options("Stalin", ["Lenin", "Nixon", "Deng"], 42)
    assert a == choice_options("Stalin", ["Lenin", "Nixon", "Deng"], 42)
    assert sorted(a) == ["Deng", "Lenin", "Nixon", "Stalin"]
    orders = {tuple(choice_options("Stalin", ["Lenin", "Nixon", "Deng"], s)) for s in range(30)}
    assert len(orders) > 5


@pytest.mark.parametrize(
    ("given", "answer", "expected"),
    [
        # approximators and leading articles carry no fact: a well-read student uses them
        ("about 45%", "45%", "right"),
        ("45%", "about 45%", "right"),
        ("roughly 45 per cent", "45%", "right"),
        ("around forty five percent", "45%", "right"),
        ("the Qianlong Emperor", "Qianlong Emperor", "right"),
        ("Qianlong Emperor", "the Qianlong Emperor", "right"),
        ("a million km2", "a million square kilometres", "right"),
        ("1 million sq km", "a million km²", "right"),
        ("one million square km", "1 million km2", "right"),
        ("seventeen days", "17 days", "right"),
        ("twenty one", "21", "right"),
        ("an estimated 45 per cent", "45%", "right"),
        # thousands separators and a unit written on: one number, one unit
        ("4,300km", "4,300 kilometres", "right"),
        ("4300 km", "4,300 kilometres", "right"),
        # a direction may be left out, never contradicted
        ("40%", "just over 40%", "right"),
        ("over 40 per cent", "just over 40%", "right"),
        ("just under 40%", "just over 40%", "wrong"),
        ("nearly 40%", "more than 40%", "wrong"),
        # numbers still have to be the number
        ("46%", "about 45%", "wrong"),
        ("2 million km2", "a million km2", "wrong"),
        ("1948", "1949", "wrong"),
    ],
)
def test_fair_typed_answers(given, answer, expected):
    assert check_typed(given, answer) == expected
