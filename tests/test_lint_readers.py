"""`trainer lint`, what readers catch: paraphrased give-aways, contradicting accepts,
paragraphs weighted beyond their share of the argument, affiliations as answers."""

from __future__ import annotations

from pathlib import Path

from trainer.cli import main


def deck_text(key: str, tags: str, cards: list[tuple[str, str, str, int]],
              extra: str = "") -> str:
    lines = ["schema_version = 1", "[deck]", f'id = "{key}"', f'name = "{key}"',
             f"tags = [{tags}]", extra]
    for card_id, prompt, answer, para in cards:
        lines += ["[[cards]]", f'id = "{card_id}"', 'kind = "basic"', f'prompt = "{prompt}"',
                  f'answer = "{answer}"', f'source = {{ quote = "Mao", para = {para} }}']
    return "\n".join(lines) + "\n"


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
