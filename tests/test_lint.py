"""`trainer lint`: one line per finding with the entry's id; errors exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.cli import main

DECK = """schema_version = 1
[deck]
id = "l"
name = "Lint deck"
description = "About Moscow"

[[cards]]
id = "who-met"
kind = "basic"
prompt = "Who met Stalin in Moscow?"
answer = "Mao"
source = { quote = "Mao went to Moscow", para = 2 }

[[cards]]
id = "gives-away"
kind = "basic"
prompt = "What did Mao want from Stalin?"
answer = "A new treaty"
source = { quote = "He wanted a new treaty", para = 2 }

[[cards]]
id = "year"
kind = "typed"
prompt = "In what year did they meet?"
answer = "1949"
source = { quote = "not in the text at all", para = 2 }

[[cards]]
id = "long-typed"
kind = "typed"
prompt = "What did Stalin make him do?"
answer = "wait for seventeen days at a dacha"

[[cards]]
id = "choice-dup"
kind = "choice"
prompt = "What share?"
answer = "45%"
distractors = ["about 45%", "1949"]

[[cards]]
id = "own-gap"
kind = "cloze"
text = "The {{c1::Amur}} river: the Amur is long."

[[cards]]
id = "unit"
kind = "typed"
prompt = "How long did he wait?"
answer = "17 days"
"""
SOURCE = "Headline\nMao went to Moscow. He wanted a new treaty with Stalin, and waited.\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    deck = tmp_path / "l.toml"
    deck.write_text(DECK)
    source = tmp_path / "source.txt"
    source.write_text(SOURCE)
    return deck, source


def test_lint_names_each_finding_by_entry(files, capsys):
    deck, source = files
    assert main(["lint", str(deck), "--source", str(source)]) == 1
    out = capsys.readouterr().out
    expected = [
        "gives-away: error: shows the answer of who-met ('Mao')",
        "year: error: quote not in paragraph 2 (not in the source)",
        "long-typed: error: a typed answer of 7 words (at most 5)",
        "choice-dup: error: distractors repeat each other or the answer",
        "choice-dup: warning: options of mixed kinds",
        "own-gap: error: gap 1 ('Amur') shows elsewhere in its own text",
        "unit: warning: the answer '17 days' has a unit; accept the number alone",
    ]
    for line in expected:
        assert line in out, line
    assert "who-met: error" not in out  # Moscow is in the deck's description: no giveaway
    assert "choice-dup: error: shows the answer of year ('1949')" in out  # numbers always
    assert out.splitlines()[-1] == "1 decks: 6 errors, 2 warnings"


def test_a_clean_deck_passes_and_warnings_alone_exit_0(tmp_path, capsys):
    deck = tmp_path / "ok.toml"
    deck.write_text(DECK.split('[[cards]]\nid = "gives-away"')[0]
                    + '[[cards]]\nid = "unit"\nkind = "typed"\nprompt = "How long?"\n'
                      'answer = "17 days"\naccept = ["17"]\n')
    assert main(["lint", str(deck)]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_lint_reads_a_deck_in_the_database_too(files, capsys):
    deck, _ = files
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    assert main(["lint", "l"]) == 1
    assert "deck l: gives-away: error: shows the answer of who-met" in capsys.readouterr().out
