from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import basic_deck
from trainer.answers import check_typed
from trainer.bundled import bundled_files, ensure_bundled
from trainer.formats.model import ChoiceCard, DeckFile, TypedCard
from trainer.formats.native import parse_native
from trainer.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DECKS = sorted((ROOT / "decks").glob("*.toml"))
ARTICLE = ROOT.parent / "shared" / "article" / "article.txt"


def entries() -> list:
    out = []
    for path in DECKS:
        out += DeckFile.model_validate(tomllib.loads(path.read_text())).cards
    return out


def test_every_bundled_deck_validates():
    assert len(DECKS) >= 5
    for path in DECKS:
        deck = parse_native(path.read_bytes(), str(path))
        assert deck.cards, path


def test_no_paragraph_is_taught_by_more_than_five_entries():
    # the decks are as large as what a teacher keeps (no quota of entries or kinds); no
    # paragraph outweighs the argument
    per_paragraph = Counter(c.source.para for c in entries() if c.source)
    assert max(per_paragraph.values()) <= 5, per_paragraph.most_common(3)


def test_every_card_has_id_tags_and_a_short_quote():
    for card in entries():
        assert card.tags, card.id
        assert card.source is not None, card.id
        assert 1 <= len(card.source.quote.split()) <= 25, card.id


def test_ids_unique_across_decks_and_keys_stable():
    ids = [c.id for c in entries()]
    assert len(ids) == len(set(ids))


def test_distractors_differ_from_answers():
    for card in entries():
        if isinstance(card, ChoiceCard):
            answer = card.answer.strip().casefold()
            options = [d.strip().casefold() for d in card.distractors]
            assert answer not in options, card.id
            assert len(set(options)) == len(options) >= 2, card.id


def test_typed_accepts_are_distinct_from_the_answer():
    for card in entries():
        if card.kind == "typed":
            assert card.answer not in card.accept, card.id


def test_every_typed_answer_and_accept_is_marked_right():
    for card in entries():
        if isinstance(card, TypedCard):
            for given in (card.answer, *card.accept):
                assert check_typed(given, card.answer, card.accept) == "right", (card.id, given)
            assert len(card.answer.split()) <= 5, card.id


# What a student who knows the article may type (the review's named variants among them):
# every one is marked right.
def lint_bundled(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainer", "lint", *map(str, DECKS), *extra],
                          capture_output=True, text=True)


def test_the_bundled_decks_lint_without_errors():
    out = lint_bundled()
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[-1].startswith(f"{len(DECKS)} decks: 0 errors")


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article (../shared/article) is absent")
def test_every_quote_is_in_the_paragraph_it_names():
    out = lint_bundled("--source", str(ARTICLE))
    assert out.returncode == 0, out.stdout + out.stderr
    assert ": error:" not in out.stdout
    # the standfirst (paragraph 3) restates paragraphs 9 and 82, which cards cite; paragraph
    # 55 (the 1618 expedition, Baikov's refusal to kowtow) is anecdote no argument rests on;
    # paragraph 56 (Qianlong's disdain, the Qing's decline) only names the "Century of
    # Humiliation", which ccp-claim-basis (paragraph 57, what the era is for) names on its back:
    # a card asking for the name alone was guessable from its own prompt; paragraph 5 (Mao
    # kept waiting in 1949) is the cue of upper-hand-1949-2023, which cites paragraph 6, the
    # conclusion the article draws from it
    assert "paragraphs of substance no card cites: 3, 5, 55, 56\n" in out.stdout


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article (../shared/article) is absent")
@pytest.mark.skipif(not ARTICLE.exists(), reason="the article (../shared/article) is absent")
def test_lint_catches_a_wrong_quote(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("\n".join([
        "schema_version = 1", "[deck]", 'id = "q"', 'name = "Quotes"', "[[cards]]",
        'id = "wait"', 'kind = "basic"', 'prompt = "How long did Stalin make Mao wait?"',
        'answer = "17 days"',
        'source = { quote = "he made him wait for 18 days at a country house", para = 5 }']))
    out = subprocess.run([sys.executable, "-m", "trainer", "lint", str(bad), "--source",
                          str(ARTICLE)], capture_output=True, text=True)
    assert out.returncode == 1
    assert "wait: error: quote not in paragraph 5 (not in the source)" in out.stdout


def test_first_run_imports_bundled_decks(tmp_path, monkeypatch):
    monkeypatch.delenv("TRAINER_BUNDLED_DECKS")
    store = open_store()
    reports = ensure_bundled(store)
    assert len(reports) == len(bundled_files()) >= 5
    assert all(r.new_deck for r in reports)
    assert ensure_bundled(store) == []  # same version: nothing to do
    store.close()


def test_an_upgrade_of_the_shipped_decks_keeps_progress(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "one.toml").write_bytes(basic_deck("one", 3))
    (folder / "two.toml").write_bytes(basic_deck("two", 2))
    store = open_store()
    assert [r.added for r in ensure_bundled(store, folder)] == [3, 2]
    card = store.cards.of_deck(store.decks.find("one").id)[0]
    store.reviews.record(card.id, 5)
    state = store.cards.state(card.id)
    # an "upgrade": the shipped files change
    (folder / "one.toml").write_bytes(basic_deck("one", 3).replace(b'"a1"', b'"a1, fixed"'))
    reports = ensure_bundled(store, folder)
    assert [(r.updated, r.unchanged) for r in reports] == [(1, 2), (0, 2)]
    assert store.cards.state(card.id) == state
    assert ensure_bundled(store, folder) == []
    store.close()


def test_any_first_command_loads_the_bundled_decks(monkeypatch, capsys):
    import json

    from trainer.cli import main

    monkeypatch.delenv("TRAINER_BUNDLED_DECKS")
    assert main(["decks", "--json"]) == 0
    keys = [d["key"] for d in json.loads(capsys.readouterr().out)]
    assert sorted(keys) == sorted(p.stem for p in DECKS)
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["total"] > 0


def test_every_bundled_deck_round_trips_through_toml_and_csv(tmp_path, capsys):
    """Exported and re-imported, a deck is the same deck with the same cards: 0 added, 0
    updated, no second deck (the CSV names its deck by name; what a row cannot hold stays)."""
    from trainer.cli import main

    for path in DECKS:
        assert main(["import", str(path)]) == 0
    capsys.readouterr()
    for path in DECKS:
        for fmt in ("toml", "csv"):
            out = tmp_path / f"{path.stem}.{fmt}"
            assert main(["export", path.stem, "-o", str(out)]) == 0
            capsys.readouterr()
            assert main(["import", str(out)]) == 0
            report = capsys.readouterr().out
            assert " 0 added, 0 updated," in report, (fmt, report)
    assert main(["decks", "--json"]) == 0
    import json

    assert len(json.loads(capsys.readouterr().out)) == len(DECKS)
