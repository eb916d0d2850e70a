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


def deck_text(key: str, tags: str, cards: list[tuple[str, str, str, int]],
              extra: str = "") -> str:
    lines = ["schema_version = 1", "[deck]", f'id = "{key}"', f'name = "{key}"',
             f"tags = [{tags}]", extra]
    for card_id, prompt, answer, para in cards:
        lines += ["[[cards]]", f'id = "{card_id}"', 'kind = "basic"', f'prompt = "{prompt}"',
                  f'answer = "{answer}"', f'source = {{ quote = "Mao", para = {para} }}']
    return "\n".join(lines) + "\n"


def test_a_giveaway_across_decks_that_share_a_tag_is_a_warning(tmp_path, capsys):
    one = tmp_path / "one.toml"
    one.write_text(deck_text("one", '"set"', [("who", "Who met Stalin?", "Mao", 1)]))
    two = tmp_path / "two.toml"
    two.write_text(deck_text("two", '"set"', [("why", "Why did Mao wait?", "Stalin's whim", 1)]))
    apart = tmp_path / "apart.toml"
    apart.write_text(deck_text("apart", '"other"', [("how", "How did Mao go?", "By train", 1)]))
    assert main(["lint", str(one), str(two), str(apart)]) == 0
    out = capsys.readouterr().out
    assert "two.toml: why: warning: shows the answer of who in one ('Mao')" in out
    assert "apart.toml: how:" not in out  # no tag in common: never studied as a set
    assert out.splitlines()[-1] == "3 decks: 0 errors, 1 warnings"


def test_entries_per_paragraph_count_over_every_deck(tmp_path, capsys):
    source = tmp_path / "text.txt"
    source.write_text(" ".join(["Mao"] + ["word"] * 30) + "\n")
    one = tmp_path / "one.toml"
    one.write_text(deck_text("one", '"a"', [(f"o{i}", f"p{i}?", f"x{i}", 1) for i in range(3)]))
    two = tmp_path / "two.toml"
    two.write_text(deck_text("two", '"b"', [(f"t{i}", f"q{i}?", f"y{i}", 1) for i in range(3)]))
    assert main(["lint", str(one), "--source", str(source)]) == 0
    assert "entries on one paragraph" not in capsys.readouterr().out
    assert main(["lint", str(one), str(two), "--source", str(source)]) == 0
    assert "paragraph 1: warning: 6 entries on one paragraph (at most 5)" in \
        capsys.readouterr().out


def test_a_decks_own_source_text_is_read_beside_it(tmp_path, capsys):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("Mao went to Moscow in the winter of 1949.\n")
    deck = tmp_path / "d.toml"
    deck.write_text(deck_text("d", '"a"', [("q", "Who went?", "Mao", 2)],
                              extra='source_text = "texts/a.txt"'))
    assert main(["lint", str(deck)]) == 1
    assert "q: error: paragraph 2 does not exist" in capsys.readouterr().out
    deck.write_text(deck_text("d", '"a"', [("q", "Who went?", "Mao", 1)],
                              extra='source_text = "texts/missing.txt"'))
    assert main(["lint", str(deck)]) == 1
    assert "source_text 'texts/missing.txt': cannot read" in capsys.readouterr().out


def test_a_name_with_a_number_is_not_a_number_with_a_unit(tmp_path, capsys):
    deck = tmp_path / "n.toml"
    deck.write_text('schema_version = 1\n[deck]\nid = "n"\nname = "n"\n[[cards]]\nid = "p"\n'
                    'kind = "typed"\nprompt = "Which pipeline?"\nanswer = "Power of Siberia 2"\n')
    assert main(["lint", str(deck)]) == 0
    assert "has a unit" not in capsys.readouterr().out
