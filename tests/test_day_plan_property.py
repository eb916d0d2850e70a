"""Promised = studied, every day: random decks of notes with one to four cards each, studied
with random grades over thirty days. The plan never holds two cards of one note (in a deck
that buries siblings), no due review is ever buried for a new sibling, and the counts the deck
list shows for each deck and for all decks are exactly the cards a session then gives."""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_URLS, reset_external
from tests.helpers import Clock, import_bytes
from trainer.sessions import StudySession
from trainer.settings import DeckSettings, Settings
from trainer.store import Store, open_store

DAYS = 30


def deck_file(key: str, notes: list[tuple[str, int]], new_per_day: int,
              reviews_per_day: int) -> bytes:
    """A deck of notes: ("cloze", gaps) or ("pair", cards) (basic cards sharing a note)."""
    lines = ["schema_version = 1", "[deck]", f'id = "{key}"', f'name = "Deck {key}"',
             f"new_per_day = {new_per_day}", f"reviews_per_day = {reviews_per_day}"]
    for i, (kind, n) in enumerate(notes):
        if kind == "cloze":
            gaps = " ".join(f"{{{{c{g}::w{g}}}}}" for g in range(1, n + 1))
            lines += ["[[cards]]", f'id = "{key}-n{i}"', 'kind = "cloze"', f'text = "{gaps}."']
        else:
            for c in range(n):
                lines += ["[[cards]]", f'id = "{key}-n{i}-{c}"', 'kind = "basic"',
                          f'prompt = "q{i} {c}"', f'answer = "a{i} {c}"']
                if n > 1:
                    lines.append(f'note = "{key}-n{i}"')
    return "\n".join(lines).encode()


decks = st.lists(st.tuples(
    st.lists(st.tuples(st.sampled_from(["cloze", "pair"]), st.integers(1, 4)),
             min_size=2, max_size=10),
    st.integers(1, 6),  # new cards a day
    st.integers(2, 30),  # reviews a day
    st.booleans(),  # buries new siblings
    st.booleans(),  # buries review siblings
), min_size=1, max_size=3)


def study(store: Store, session: StudySession, rng: random.Random,
          notes: dict[int, set[int]], today) -> set[int]:
    """Every card of the session, graded at random; the cards it gave. Checks that a new card's
    answer never buries a sibling that was a due review."""
    given_cards: set[int] = set()
    failures: dict[int, int] = defaultdict(int)
    while not session.finished:
        item = session.current
        session.view()
        siblings = notes.get(item.card_id, set()) - {item.card_id}
        due_before = {s for s in siblings if (st_ := store.cards.state(s)).due is not None
                      and st_.due <= today and not st_.suspended
                      and (st_.buried_until is None or st_.buried_until <= today)}
        if item.bucket == "repeat":
            failures[item.card_id] += 1
            quality = 5 if failures[item.card_id] > 2 else rng.choice([2, 4, 5])
        else:
            quality = rng.choice([0, 2, 3, 4, 4, 5, 5])
        graded = session.grade(quality)
        if item.bucket == "new":
            assert not set(graded.buried) & due_before, \
                "a due review was buried for a new sibling"
        given_cards.add(item.card_id)
    return given_cards


def check_days(url: str, spec, seed: int) -> None:
    rng = random.Random(seed)
    overrides = {f"d{i}": DeckSettings(bury_new_siblings=new, bury_review_siblings=rev)
                 for i, (_, _, _, new, rev) in enumerate(spec)}
    clock = Clock()
    store = open_store(url, settings=Settings(timezone="UTC", decks=overrides), clock=clock)
    try:
        for i, (notes, new_day, reviews_day, _, _) in enumerate(spec):
            import_bytes(store, deck_file(f"d{i}", notes, new_day, reviews_day))
        by_deck = {}
        note_of: dict[int, set[int]] = {}
        for i in range(len(spec)):
            deck = store.decks.find(f"d{i}")
            by_deck[deck.key] = deck
            groups: dict[str, set[int]] = defaultdict(set)
            for card in store.cards.of_deck(deck.id):
                groups[card.entry].add(card.id)
            for ids in groups.values():
                for cid in ids:
                    note_of[cid] = ids
        buries = {f"d{i}": (new, rev) for i, (_, _, _, new, rev) in enumerate(spec)}
        for day in range(DAYS):
            today = store.today()
            overview = store.decks.summaries()
            for row in overview.decks:
                plan = store.queue.plan(by_deck[row.key])[0]
                if all(buries[row.key]):  # one card of a note a day
                    cards = plan.cards()
                    assert len({frozenset(note_of[c]) for c in cards}) == len(cards)
            if day % 2:  # "All decks" gives what its row says
                promised = overview.new + overview.due + overview.repeat
                given_cards = study(store, StudySession(store, None), rng, note_of, today)
                assert len(given_cards) == promised, f"day {day}: all decks"
            else:  # each deck alone gives what its row says
                for row in overview.decks:
                    promised = row.new + row.due + row.repeat
                    session = StudySession(store, by_deck[row.key])
                    assert sum(session.counts().values()) == promised
                    given_cards = study(store, session, rng, note_of, today)
                    assert len(given_cards) == promised, f"day {day}: deck {row.key}"
            clock.advance(days=1)
    finally:
        store.close()


@pytest.mark.parametrize("url", TEST_URLS, ids=lambda u: "sqlite" if u is None else "external")
def test_promised_is_studied_every_day_and_no_review_waits_for_a_new_sibling(url):
    examples = 6 if url is None else 2

    @settings(max_examples=examples, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(spec=decks, seed=st.integers(0, 2**32))
    def days(spec, seed):
        if url is None:
            with tempfile.TemporaryDirectory() as folder:
                check_days(f"sqlite:///{Path(folder) / 'trainer.db'}", spec, seed)
        else:
            reset_external(url)
            check_days(url, spec, seed)

    days()
