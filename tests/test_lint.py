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


# -- what readers catch: paraphrased give-aways, contradicting accepts, paragraphs weighted
# beyond their share of the argument, affiliations as answers --------------------------------

def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def lint_lines(capsys, *args: str) -> list[str]:
    main(["lint", *args])
    return capsys.readouterr().out.splitlines()


ALLIANCE = """schema_version = 1
[deck]
id = "cold"
name = "Cold War"
tags = ["cold"]

[[cards]]
id = "alliance-glue"
kind = "basic"
prompt = "Despite their differences, what drew Stalin and Mao together to form the \
alliance in 1950?"
answer = "The supposed threat from Western imperialism."

[[cards]]
id = "split-year"
kind = "basic"
prompt = "In which year did the border clashes happen?"
answer = "1969"
"""
STRUGGLE = """schema_version = 1
[deck]
id = "now"
name = "Today"
tags = ["today"]

[[cards]]
id = "epochal-struggle"
kind = "cloze"
text = "As Stalin and Mao were drawn together against Western imperialism, Xi and Putin \
are bound by a new {{c1::epochal struggle}}."

[[cards]]
id = "imperial-guards"
kind = "basic"
prompt = "What did the guards at the Kremlin wear?"
answer = "Imperial uniforms"
"""


def test_a_paraphrased_giveaway_in_another_deck_is_named(tmp_path, capsys):
    """Stemmed content words of an answer, with words of its question, in another card's text:
    named across every deck linted together, even decks that share no tag."""
    one = write(tmp_path / "cold.toml", ALLIANCE)
    two = write(tmp_path / "now.toml", STRUGGLE)
    out = lint_lines(capsys, one, two)
    hits = [line for line in out if "alliance-glue" in line]
    assert len(hits) == 1, out
    assert hits[0].startswith(f"{two}: epochal-struggle: warning: gives away alliance-glue")
    assert "Western imperialism" in hits[0]
    # the same word alone, without the question's words, gives nothing away
    assert not any("imperial-guards" in line and "gives away" in line for line in out), out


def test_an_explanation_and_a_choices_options_give_away_too(tmp_path, capsys):
    deck = write(tmp_path / "g.toml", """schema_version = 1
[deck]
id = "g"
name = "Gabuev"

[[cards]]
id = "three-drivers"
kind = "cloze"
text = "Gabuev's three drivers of the alignment: peace on the border, economic \
{{c1::complementarity}} and a shared enemy."

[[cards]]
id = "needs"
kind = "basic"
prompt = "Russia has natural resources. What does it need from China?"
answer = "Markets and technology."
explanation = "China is the opposite: the complementarity Gabuev names as a driver of the \
alignment."

[[cards]]
id = "mediated"
kind = "choice"
prompt = "Between which two countries did China mediate a peace deal in March 2023?"
answer = "Iran and Saudi Arabia"
distractors = ["Egypt and Ethiopia", "Armenia and Azerbaijan"]

[[cards]]
id = "interference"
kind = "cloze"
text = "China said the Iran-Saudi deal showed how countries could get rid of \
{{c1::external interference}}."
""")
    out = "\n".join(lint_lines(capsys, deck))
    assert "needs: warning: gives away three-drivers c1" in out, out
    assert "interference: warning: gives away mediated" in out, out


def test_a_choice_is_given_away_by_the_word_only_its_answer_has(tmp_path, capsys):
    """A choice needs only the word that sets its answer apart from the distractors: a card
    on the same passage that prints it gives the choice away."""
    deck = write(tmp_path / "c.toml", """schema_version = 1
[deck]
id = "c"
name = "Partnership"

[[cards]]
id = "limits-shown"
kind = "choice"
prompt = "What has the first year of the war shown about the partnership?"
answer = "It has limits and is profoundly unequal"
distractors = ["It has become a formal alliance", "It is a partnership of equals"]
source = { quote = "limits", para = 4 }

[[cards]]
id = "resilient"
kind = "cloze"
text = "Unequal as it is, the partnership is also {{c1::resilient}}."
source = { quote = "resilient", para = 5 }

[[cards]]
id = "far-away"
kind = "cloze"
text = "Unequal as it is, the partnership is also {{c1::resilient}} today."
source = { quote = "resilient", para = 40 }
""")
    out = "\n".join(lint_lines(capsys, deck))
    assert "resilient: warning: gives away limits-shown" in out, out
    assert "far-away: warning: gives away" not in out, out  # another passage: not a give-away


def test_an_accept_that_contradicts_the_answer_is_an_error(tmp_path, capsys):
    deck = write(tmp_path / "a.toml", """schema_version = 1
[deck]
id = "a"
name = "Africa"

[[cards]]
id = "years"
kind = "typed"
prompt = "For how long has China engaged with Africa?"
answer = "more than 20 years"
accept = ["20 years", "20", "less than 20 years", "two decades"]

[[cards]]
id = "fair"
kind = "typed"
prompt = "For how long has China engaged with Asia?"
answer = "more than 30 years"
accept = ["30 years", "30", "over three decades"]
""")
    out = lint_lines(capsys, deck)
    assert f"{deck}: years: error: accepts 'less than 20 years', which contradicts the answer " \
           "'more than 20 years'" in out, out
    assert not any(": fair:" in line for line in out), out


def test_an_affiliation_as_an_answer_is_a_warning(tmp_path, capsys):
    deck = write(tmp_path / "p.toml", """schema_version = 1
[deck]
id = "p"
name = "People"

[[cards]]
id = "zhao-university"
kind = "choice"
prompt = "Zhao Huasheng, one of China's top Russia experts, is a scholar at which university?"
answer = "Fudan University"
distractors = ["Peking University", "Tsinghua University"]

[[cards]]
id = "gabuev-job"
kind = "basic"
prompt = "Alexander Gabuev is the director of which institution?"
answer = "The Carnegie Russia Eurasia Centre"

[[cards]]
id = "prokopenko-bank"
kind = "cloze"
text = "Alexandra Prokopenko, a former official of the {{c1::Russian central bank}}, says \
the war cut Russia off."

[[cards]]
id = "court"
kind = "basic"
prompt = "Which court wants Putin for war crimes?"
answer = "The International Criminal Court"

[[cards]]
id = "gabuev-drivers"
kind = "basic"
prompt = "What does Gabuev, director of the Carnegie Centre, name as the alignment's drivers?"
answer = "Peace on the border, complementarity and a shared enemy"
""")
    out = lint_lines(capsys, deck)
    for entry in ("zhao-university", "gabuev-job", "prokopenko-bank"):
        assert any(line.startswith(f"{deck}: {entry}: warning: an affiliation")
                   for line in out), (entry, out)
    assert not any((": court:" in line or ": gabuev-drivers:" in line) and "an affiliation" in line
                   for line in out), out


def paragraph_text() -> str:
    """Ten paragraphs that argue about one thing with recurring words, and one anecdote whose
    words occur nowhere else."""
    argument = ("The alignment between Russia and China rests on shared interests and a common "
                "enemy, and the partnership is unequal but durable, with power on the side of "
                "Beijing {}.")
    paras = [argument.format(f"in respect number {i}") for i in range(10)]
    paras.insert(3, "Baikov the emissary refused to kowtow before the emperor in 1656 at the "
                    "Lifan Yuan office, was threatened with execution and ejected from Peking "
                    "after months of quarrels about gifts and letters and ceremony there.")
    return "\n".join(paras) + "\n"


def test_a_paragraph_weighted_beyond_its_share_of_the_argument_is_a_warning(tmp_path, capsys):
    source = write(tmp_path / "text.txt", paragraph_text())
    cards = [(f"b{i}", f"Baikov question {i}?", f"kowtow {i}", 4) for i in range(4)]
    cards += [(f"a{p}{i}", f"Alignment question {p} {i}?", f"interest {p} {i}", p)
              for p in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11) for i in range(2)]
    deck = write(tmp_path / "d.toml", deck_text("d", '"x"', cards))
    out = lint_lines(capsys, deck, "--source", source)
    weighted = [line for line in out if "share of the argument" in line]
    assert len(weighted) == 1, out
    assert weighted[0].startswith(f"{deck}: paragraph 4: warning: 4 entries")


def test_a_gap_on_a_common_noun_is_no_affiliation(tmp_path, capsys):
    deck = write(tmp_path / "s.toml", 'schema_version = 1\n[deck]\nid = "s"\nname = "s"\n'
                 '[[cards]]\nid = "stage"\nkind = "cloze"\n'
                 'text = "In 2017 Xi said it was time for China to {{c1::take centre stage}}."\n')
    assert not any("affiliation" in line for line in lint_lines(capsys, deck)[:-1])
