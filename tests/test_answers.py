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
