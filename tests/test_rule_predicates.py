"""One definition of each study rule: the SQL conditions (trainer.store.predicates) find
exactly the cards the Python rules (trainer.rules) name, over a table of card states written
through the store's own paths, and the statistics, the search and the rules agree on them.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import LONDON, Clock, basic_deck, import_bytes
from trainer import rules
from trainer.query import parse
from trainer.scheduler.sm2 import SM2State
from trainer.stats import compute
from trainer.store import Store, open_store, predicates
from trainer.store.reviews import set_state
from trainer.store.schema import state_t


@dataclass(frozen=True)
class State:
    """A card's state, days counted from today (None: unset)."""

    name: str
    repetitions: int = 0
    interval: int = 0
    reviews: int = 0
    due: int | None = None
    suspended: bool = False
    buried: int | None = None
    lapses: int = 0
    tagged: bool = False
    retired: bool = False
    deck: str = "low"  # "low": leech threshold 2; "default": the default of 8


STATES = [
    State("new"),
    State("reviewed, no due day", reviews=3),
    State("failed once", interval=1, reviews=1, due=0),
    State("passed once", repetitions=1, interval=1, reviews=1, due=1),
    State("young, overdue", repetitions=2, interval=6, reviews=2, due=-3),
    State("young at 20 days", repetitions=3, interval=20, reviews=3, due=5),
    State("mature at 21 days", repetitions=3, interval=21, reviews=3, due=0),
    State("mature, suspended", repetitions=5, interval=90, reviews=5, due=-1, suspended=True),
    State("due, buried until tomorrow", repetitions=2, interval=6, reviews=2, due=0, buried=1),
    State("due, burying ended today", repetitions=2, interval=6, reviews=2, due=0, buried=0),
    State("new, buried", buried=1),
    State("due tomorrow", repetitions=2, interval=6, reviews=2, due=1),
    State("due, retired", repetitions=2, interval=6, reviews=2, due=0, retired=True),
    State("1 lapse, threshold 2", repetitions=0, interval=1, reviews=4, due=2, lapses=1),
    State("2 lapses, threshold 2", repetitions=0, interval=1, reviews=5, due=2, lapses=2),
    State("7 lapses, threshold 8", repetitions=0, interval=1, reviews=9, due=2, lapses=7,
          deck="default"),
    State("8 lapses, threshold 8", repetitions=0, interval=1, reviews=9, due=2, lapses=8,
          deck="default"),
    State("tagged leech", repetitions=2, interval=6, reviews=2, due=3, tagged=True,
          deck="default"),
]
THRESHOLDS = {"low": 2, "default": LONDON.leech_lapses}


def _offset(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


@pytest.fixture
def table(db_url):
    """A store with one card in each state of STATES; (store, today, card id by name)."""
    store = open_store(db_url, settings=LONDON, clock=Clock())
    today = store.today()
    for key in THRESHOLDS:
        import_bytes(store, basic_deck(key, sum(s.deck == key for s in STATES)))
    store.options.set(store.decks.find("low").id, leech_lapses=THRESHOLDS["low"])
    cards = {key: iter(store.cards.of_deck(store.decks.find(key).id)) for key in THRESHOLDS}
    ids: dict[str, int] = {}
    for s in STATES:
        card = next(cards[s.deck])
        ids[s.name] = card.id
        set_state(store, card.id, SM2State(s.repetitions, 2.5, s.interval), _offset(today, s.due),
                  kind="reschedule", reviews=s.reviews, lapses=s.lapses,
                  suspended=s.suspended, buried_until=_offset(today, s.buried))
        if s.tagged:
            store.cards.tag_many([card.id], rules.LEECH_TAG)
        if s.retired:
            store.cards.retire_many([card.id])
    yield store, today, ids
    store.close()


def _expected(today: date, thresholds: dict[str, int] = THRESHOLDS
              ) -> dict[str, dict[str, bool]]:
    """Each rule's verdict on each state, from trainer.rules (``thresholds``: by deck key)."""
    out: dict[str, dict[str, bool]] = {}
    for s in STATES:
        due = _offset(today, s.due)
        buried = _offset(today, s.buried)
        verdicts = {m: rules.maturity(s.repetitions, s.interval, s.reviews, due) == m
                    for m in rules.MATURITIES}
        verdicts |= {
            "in play": rules.in_play(s.suspended, s.retired),
            "buried": rules.buried(buried, today),
            "due": rules.due(due, s.suspended, s.retired, buried, today),
            "leech": rules.leech(s.lapses, thresholds[s.deck], s.tagged),
        }
        out[s.name] = verdicts
    return out


def _found(store: Store, today: date, ids: dict[str, int],
           thresholds: dict[str, int] = THRESHOLDS) -> dict[str, dict[str, bool]]:
    """Each SQL condition's verdict on each card."""
    by_deck = {store.decks.find(k).id: t for k, t in thresholds.items()}
    conditions = {m: predicates.maturity(m) for m in rules.MATURITIES} | {
        "in play": predicates.in_play(),
        "buried": predicates.buried(today),
        "due": predicates.due(today),
        "leech": predicates.leech(by_deck),
    }
    by_id = {v: k for k, v in ids.items()}
    out: dict[str, dict[str, bool]] = {name: {} for name in ids}
    with store.reading() as conn:
        for rule, where in conditions.items():
            matching = set(conn.execute(select(state_t.c.card_id).where(where)).scalars())
            for card_id, name in by_id.items():
                out[name][rule] = card_id in matching
    return out


@pytest.mark.parametrize("thresholds", [
    THRESHOLDS, {"low": 8, "default": 8}, {"low": 2, "default": 2}, {"low": 3, "default": 7}],
    ids=["2-and-8", "all-8", "all-2", "3-and-7"])
def test_every_sql_condition_finds_the_cards_its_rule_names(table, thresholds):
    store, today, ids = table
    assert _found(store, today, ids, thresholds) == _expected(today, thresholds)


def test_the_thresholds_the_sql_reads_are_each_decks_own(table):
    store, _, _ = table
    with store.reading() as conn:
        found = predicates.leech_thresholds(store, conn)
    assert found == {
        store.decks.find(k).id: t for k, t in THRESHOLDS.items()}


def test_statistics_search_and_rules_count_the_same_cards(table):
    """`trainer stats` counts, `trainer cards is:…` and the rules agree on every state."""
    store, today, _ = table
    expected = _expected(today)
    playing = [s for s in STATES if not s.retired]

    def rule(name: str) -> int:
        return sum(expected[s.name][name] for s in playing)

    def search(query: str) -> int:
        return store.search.cards(parse(query), limit=None).total

    figures = compute(store, period="all")
    counts = figures["counts"]
    in_play = [s for s in playing if not s.suspended]
    for m in rules.MATURITIES:
        want = sum(expected[s.name][m] for s in in_play)
        assert counts[m] == want == search(f"is:{m} -is:suspended"), m
    assert counts["buried"] == sum(expected[s.name]["buried"] for s in in_play)
    assert search("is:buried") == rule("buried")
    assert search("is:due") == rule("due")
    assert figures["leeches"] == rule("leech") == search("is:leech")
