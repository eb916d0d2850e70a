from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import basic_deck
from trainer.bundled import bundled_files, ensure_bundled
from trainer.formats.model import ChoiceCard, DeckFile
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


def test_counts_and_kinds():
    cards = entries()
    assert len(cards) >= 150
    kinds = Counter(c.kind for c in cards)
    assert all(kinds[k] >= 20 for k in ("basic", "typed", "cloze", "choice")), kinds


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


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article (../shared/article) is absent")
def test_sources_check_passes_and_every_paragraph_is_cited():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_sources.py"), str(ARTICLE), *map(str, DECKS),
         "--require-all"], capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 problems" in out.stdout
    assert "every paragraph of substance is cited" in out.stdout


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article (../shared/article) is absent")
def test_sources_check_catches_a_wrong_quote(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "decks" / "xi-putin-relationship.toml").read_text().replace(
        "17 days at a country house", "18 days at a country house"))
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_sources.py"), str(ARTICLE), str(bad)],
        capture_output=True, text=True,
    )
    assert out.returncode == 1
    assert "mao-waits-17-days: quote not in paragraph 5 (not in the article)" in out.stdout


def test_first_run_imports_bundled_decks(tmp_path):
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
    card = store.deck_cards(store.find_deck("one").id)[0]
    store.record_review(card.id, 5)
    state = store.state(card.id)
    # an "upgrade": the shipped files change
    (folder / "one.toml").write_bytes(basic_deck("one", 3).replace(b'"a1"', b'"a1, fixed"'))
    reports = ensure_bundled(store, folder)
    assert [(r.updated, r.unchanged) for r in reports] == [(1, 2), (0, 2)]
    assert store.state(card.id) == state
    assert ensure_bundled(store, folder) == []
    store.close()
