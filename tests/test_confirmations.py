"""What a keystroke cannot take back asks first, saying how many cards and reviews it
touches: reset, suspend of every card, import --prune that would retire cards, deck delete.
On a terminal a prompt; elsewhere --yes, or nothing changes. And --prune retires, as the
browser's delete does: the reviews stay in the statistics."""

from __future__ import annotations

import json

import pytest

from tests.helpers import basic_deck
from trainer.cli import main
from trainer.store import open_store


class Stdin:
    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.fixture
def deck(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_bytes(basic_deck("d", 3))
    assert main(["import", str(path)]) == 0
    with open_store() as store:  # two reviews of d0, one of d1
        ids = [c.id for c in store.cards.of_deck(store.decks.find("d").id)]
        store.reviews.record(ids[0], 5)
        store.reviews.record(ids[0], 5, kind="repeat")
        store.reviews.record(ids[1], 4)
    capsys.readouterr()
    return path


def smaller(tmp_path):
    path = tmp_path / "smaller.toml"
    path.write_bytes(basic_deck("d", 3).replace(b'id = "d0"', b'id = "x0"'))
    return [str(path), "--prune"]


def snapshot() -> tuple:
    with open_store() as store:
        cards = store.search.cards(None, limit=None).cards
        return tuple((c.key, c.suspended, c.reviews) for c in cards), len(
            store.decks.summaries().decks)


# (command, what the question says)
ASKING = [
    (lambda p: ["reset", ""], "reset 3 cards to new, forgetting the progress of their 3 reviews"),
    (lambda p: ["reset", "d0"], "reset 1 card to new, forgetting the progress of their 2 reviews"),
    (lambda p: ["suspend", ""], "suspend every card, 3 cards (with 3 reviews)"),
    (lambda p: ["suspend", "deck:d"], "suspend every card, 3 cards (with 3 reviews)"),
    (lambda p: ["import", *smaller(p)],
     "retire 1 card no longer in the file (their 2 reviews stay in the statistics)"),
    (lambda p: ["deck", "delete", "d"],
     "delete Deck d [d]: retire its 3 cards (their 3 reviews stay in the statistics)"),
]


@pytest.mark.parametrize(("argv", "question"), ASKING, ids=[
    "reset all", "reset one", "suspend empty", "suspend all matching", "import --prune",
    "deck delete"])
def test_off_a_terminal_it_needs_yes_and_says_what_it_would_do(deck, tmp_path, capsys,
                                                              monkeypatch, argv, question):
    monkeypatch.setattr("sys.stdin", Stdin(False))
    before = snapshot()
    assert main(argv(tmp_path)) == 1
    err = capsys.readouterr().err
    assert question in err and "add --yes" in err and len(err.splitlines()) == 1
    assert snapshot() == before
    assert main([*argv(tmp_path), "--yes"]) == 0
    assert snapshot() != before


@pytest.mark.parametrize(("argv", "question"), ASKING, ids=[
    "reset all", "reset one", "suspend empty", "suspend all matching", "import --prune",
    "deck delete"])
@pytest.mark.parametrize("answer", ["y", "n", ""])
def test_on_a_terminal_it_asks(deck, tmp_path, capsys, monkeypatch, argv, question, answer):
    asked = []
    monkeypatch.setattr("sys.stdin", Stdin(True))
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    before = snapshot()
    assert main(argv(tmp_path)) == (0 if answer == "y" else 1)
    assert len(asked) == 1 and question in asked[0] and asked[0].endswith("[y/N] ")
    assert (snapshot() != before) == (answer == "y")
    if answer != "y":
        assert "nothing was changed" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["suspend", "d1"], ["unsuspend", ""], ["reset", "nothing"],
                                  ["import", "SAME", "--prune"]])
def test_what_touches_less_asks_nothing(deck, capsys, monkeypatch, argv):
    monkeypatch.setattr("sys.stdin", Stdin(False))
    argv = [str(deck) if a == "SAME" else a for a in argv]
    assert main(argv) == 0, capsys.readouterr().err


def test_prune_retires_and_the_history_stays_in_the_statistics(deck, tmp_path, capsys):
    assert main(["stats", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)["today"]["answers"]
    assert main(["import", *smaller(tmp_path), "--yes"]) == 0
    assert "1 pruned" in capsys.readouterr().out
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["today"]["answers"] == answers == 3
    assert main(["cards", "is:retired", "--json"]) == 0
    assert [c["key"] for c in json.loads(capsys.readouterr().out)] == ["d0"]
    assert main(["import", str(deck)]) == 0  # without --prune: the file's d0 stays retired
    assert "not in the file: x0" in capsys.readouterr().out  # d0 is not listed: retired
    assert main(["cards", "is:retired"]) == 0
    assert capsys.readouterr().out.startswith("d/d0")
    assert main(["import", str(deck), "--prune", "--yes"]) == 0  # the file is the truth
    assert "1 pruned" in capsys.readouterr().out  # x0
    assert main(["card", "d/d0", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["state"]["retired"] is False and len(card["history"]) == 2
