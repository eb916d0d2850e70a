"""The search language: a table of queries and the cards each finds, over a small deck whose
cards are studied, flagged and tagged through the product's own paths."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import LONDON, Clock, import_bytes
from trainer.query import QueryError, parse
from trainer.store import open_store
from trainer.store.replay import rebuild_states

ONE = """schema_version = 1
[deck]
id = "alpha"
name = "Alpha deck"
tags = ["history"]

[[cards]]
id = "mao"
kind = "basic"
prompt = "Who met Stalin in 1949?"
answer = "Mao Zedong"
tags = ["people", "cold-war::1949"]

[[cards]]
id = "wait"
kind = "typed"
prompt = "How many days did he wait?"
answer = "17"
accept = ["seventeen"]
explanation = "50% of his visit, or so (a guess)."

[[cards]]
id = "gap"
kind = "cloze"
text = "The {{c1::Amur}} river, 100_000 km of it."
"""
TWO = """schema_version = 1
[deck]
id = "beta-2"
name = "Beta"

[[cards]]
id = "pick"
kind = "choice"
prompt = "Which river?"
answer = "Amur"
distractors = ["Volga", "Don"]

[[cards]]
id = "old"
kind = "basic"
prompt = "An old card"
answer = "gone soon"
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    clock = Clock()
    path = tmp_path_factory.mktemp("search") / "search.db"
    store = open_store(f"sqlite:///{path}", settings=LONDON, clock=clock)
    store.__dict__["clock"] = clock
    clock.advance(days=-10)
    import_bytes(store, ONE.encode())
    clock.advance(days=10)
    import_bytes(store, TWO.encode())
    ids = {c.key: c.id for d in ("alpha", "beta-2")
           for c in store.cards.of_deck(store.decks.find(d).id)}
    # mao: studied to young (interval 6), with a lapse in between
    store.reviews.record(ids["mao"], 5)
    clock.advance(days=1)
    store.reviews.record(ids["mao"], 1)
    store.reviews.record(ids["mao"], 5)  # a same-day repeat
    clock.advance(days=1)
    store.reviews.record(ids["mao"], 5)
    clock.advance(days=1)
    store.reviews.record(ids["mao"], 4)
    store.reviews.record(ids["wait"], 2)  # learning, answered with 2 today
    store.cards.suspend(ids["pick"])
    store.cards.retire_many([ids["old"]])
    store.__dict__["ids"] = ids
    yield store
    store.close()


def found(store, query: str) -> set[str]:
    return {c.key for c in store.search.cards(parse(query), limit=None).cards}


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"mao", "wait", "gap#c1", "pick"}),
    ("mao", {"mao"}),
    ("MAO zedong", {"mao"}),
    ('"met stalin"', {"mao"}),
    ("stalin 1950", set()),
    ("50%", {"wait"}),  # punctuation and LIKE's wildcards are literal
    ("100_000", {"gap#c1"}),
    ("_", {"gap#c1"}),
    ("seventeen", {"wait"}),  # accepted answers are fields too
    ("volga", {"pick"}),
    ("amur", {"gap#c1", "pick"}),
    ("deck:alpha", {"mao", "wait", "gap#c1"}),
    ("deck:BETA*", {"pick"}),
    ('deck:"Alpha deck"', {"mao", "wait", "gap#c1"}),
    ("tag:people", {"mao"}),
    ("tag:cold-war", {"mao"}),  # a parent tag finds its children
    ("tag:history", {"mao", "wait", "gap#c1"}),
    ("tag:hist*", {"mao", "wait", "gap#c1"}),
    ("kind:cloze", {"gap#c1"}),
    ("kind:choice or kind:typed", {"pick", "wait"}),
    # quoted, "or" is a word to find (wait's explanation: "or so"), never the operator
    ('"or"', {"wait"}),
    ('"or" seventeen', {"wait"}),
    ('mao "OR" wait', set()),
    ("mao or wait", {"mao", "wait"}),
    ("is:new", {"gap#c1", "pick"}),
    ("is:learning", {"wait"}),
    ("is:young", {"mao"}),
    ("is:mature", set()),
    ("is:suspended", {"pick"}),
    ("is:retired", {"old"}),
    ("is:retired or is:suspended", {"old", "pick"}),
    ("-is:new", {"mao", "wait"}),
    ("-(kind:basic or kind:typed)", {"gap#c1", "pick"}),
    ("deck:alpha -kind:cloze -mao", {"wait"}),
    ("prop:ivl>=6", {"mao"}),
    ("prop:ivl<6", {"wait", "gap#c1", "pick"}),
    ("prop:lapses>0", {"mao"}),
    ("prop:lapses=1 prop:reviews>=4", {"mao"}),
    ("prop:ease>2.5", {"mao"}),
    ("prop:ease<=2.5", {"wait", "gap#c1", "pick"}),
    ("prop:due<=1", {"wait"}),
    ("added:3", set()),  # beta-2 was added three study days before today
    ("added:4", {"pick"}),
    ("added:13", {"pick"}),
    ("added:14", {"mao", "wait", "gap#c1", "pick"}),
    ("rated:1", {"mao", "wait"}),
    ("rated:1:2", {"wait"}),
    ("rated:3:1", {"mao"}),
    ("rated:2:1", set()),
])
def test_query_table(store, query, expected):
    assert found(store, query) == expected
    # beyond a page, the count is a query of its own (driven differently): the same cards
    assert store.search.cards(parse(query), limit=1).total == len(expected)


@pytest.mark.parametrize(("query", "message"), [
    ('"open', "column 1: a quote is not closed"),
    ("(mao", "column 1: '(' is not closed"),
    ("mao)", "column 4: unexpected ')' (no '(' to close)"),
    ("mao or", "column 5: 'or' needs something on both sides"),
    ("colour:red", "column 1: unknown field 'colour:'"),
    ("is:fresh", "column 4: is: is one of new, learning"),
    ("kind:essay", "column 6: kind: is one of basic, typed, cloze, choice"),
    ("prop:ivl~3", "column 6: prop: is written like prop:ivl>=10"),
    ("prop:size>3", "column 6: prop: is one of ivl, ease, lapses, reviews, due"),
    ("added:0", "column 7: a number of days from 1 to 36500"),
    ("rated:7:9", "column 9: rated:DAYS:GRADE takes a grade from 0 to 5"),
    ("deck:", "column 6: deck: needs a value"),
    ("()", "column 2: a search term is missing here"),
])
def test_a_bad_query_says_where_and_why(query, message):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert str(caught.value).startswith(message)


def test_sorting_and_the_count_beyond_the_limit(store):
    result = store.search.cards(parse(""), sort="lapses", descending=True, limit=2)
    assert result.total == 4 and len(result.cards) == 2
    assert result.cards[0].key == "mao"
    by_prompt = store.search.cards(parse(""), sort="prompt", limit=None).cards
    assert [c.prompt for c in by_prompt] == sorted(c.prompt for c in by_prompt)


def test_bulk_changes_are_one_undoable_action_that_replay_holds(db_url):
    from tests.helpers import make_store

    store, ids = make_store(db_url, n_cards=4)
    store.reviews.record(ids[0], 5)
    assert store.cards.change_many(ids[:3], "suspend", session_id="browse") == 3
    assert store.search.ids(parse("is:suspended")) == ids[:3]
    assert store.cards.change_many(ids, "reschedule", days=3, session_id="browse") == 4
    assert {store.cards.state(c).due for c in ids} == {store.today() + timedelta(days=3)}
    assert store.cards.change_many([ids[0]], "reset", session_id="browse") == 1
    assert store.cards.state(ids[0]).due is None and store.cards.state(ids[0]).reviews == 0
    assert rebuild_states(store) == 0  # the log replays to the stored states
    store.undo.last_review("browse")  # the reset
    store.undo.last_review("browse")  # all four reschedules at once
    assert store.cards.state(ids[0]).repetitions == 1
    assert [store.cards.state(c).due for c in ids[1:]] == [None, None, None]
    store.undo.last_review("browse")  # the three suspensions
    assert store.search.ids(parse("is:suspended")) == []
    store.close()


def test_moving_and_tagging_and_retiring_and_their_inverses(db_url):
    from tests.helpers import basic_deck, make_store
    from trainer.store.errors import StoreError

    store, ids = make_store(db_url, n_cards=3)
    import_bytes(store, basic_deck("e", 1))
    other = store.decks.find("e")
    assert store.cards.move_many(ids[:2], other.id) == dict.fromkeys(
        ids[:2], store.decks.find("d").id)
    assert set(ids[:2]) < set(store.search.ids(parse("deck:e")))
    assert store.search.ids(parse("deck:d")) == ids[2:]
    assert store.undo.last().label == "moving 2 cards to deck 'Deck e'"
    assert store.search.ids(parse("deck:d")) == ids
    import_bytes(store, basic_deck("d", 1).replace(b'id = "d"', b'id = "f"'))
    clash = store.decks.find("f")  # holds a card keyed d0, as deck d does
    with pytest.raises(StoreError, match="already has a card 'd0'; nothing was moved"):
        store.cards.move_many(ids, clash.id)
    assert store.cards.tag_many(ids[:2], "hard") == ids[:2]
    assert store.search.ids(parse("tag:hard")) == ids[:2]
    assert store.cards.tag_many(ids, "hard", add=False) == ids[:2]
    assert store.cards.retire_many(ids[:1]) == ids[:1]
    assert store.search.ids(parse("deck:d")) == ids[1:]
    assert store.cards.retire_many(ids[:1], retired=False) == ids[:1]
    assert store.search.ids(parse("deck:d")) == ids
    store.close()


def test_added_searches_in_the_systems_own_time_zone(tmp_path, monkeypatch):
    """With no time zone configured trainer uses the system's: `added:1` must find the cards
    added today, not end the app (the day's start was a naive time there)."""
    import time

    from tests.helpers import basic_deck
    from trainer.settings import Settings

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        store = open_store(f"sqlite:///{tmp_path / 't.db'}", settings=Settings(), clock=Clock())
        import_bytes(store, basic_deck("d", 3))
        assert len(store.search.ids(parse("added:1"))) == 3
        store.close()
    finally:
        monkeypatch.undo()  # the zone the suite had, read again by the C library
        time.tzset()


# a search that once ended the CLI or the browser with a traceback: each is one line now
HOSTILE_QUERIES = [
    ("prop:due>=99999999999", "prop: due is a number of days from -36500 to 36500"),
    ("prop:due<-99999999999", "prop: due is a number of days from -36500 to 36500"),
    ("prop:ivl>" + "9" * 5000, "prop: ivl is a number from -1000000 to 1000000"),
    ("prop:ease>99999999999999999999", "prop: ease is a number from -1000000 to 1000000"),
    ("rated:" + "9" * 5000, "a number of days from 1 to 36500 is expected"),
    ("added:" + "9" * 5000, "a number of days from 1 to 36500 is expected"),
    ("(" * 600 + "mao" + ")" * 600, "nested more than 100 deep"),
    ("-" * 3000 + "mao", "nested more than 100 deep"),
    ("(-" * 400 + "mao" + ")" * 400, "nested more than 100 deep"),
]


@pytest.mark.parametrize(("query", "message"), HOSTILE_QUERIES,
                         ids=[q[:24] for q, _ in HOSTILE_QUERIES])
def test_a_hostile_query_is_one_line_in_the_cli(tmp_path, capsys, query, message):
    from tests.helpers import basic_deck
    from trainer.cli import main

    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 2))
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    assert main(["cards", "--", query]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1
    assert "Exceeds the limit" not in err


def test_a_deep_query_within_the_limit_still_works(store):
    assert found(store, "(" * 100 + "deck:xi*" + ")" * 100) == found(store, "deck:xi*")
    assert found(store, "--deck:xi*") == found(store, "deck:xi*")


@pytest.mark.parametrize(("query", "message"), HOSTILE_QUERIES[:1] + HOSTILE_QUERIES[6:7],
                         ids=["overflow", "nested"])
async def test_a_hostile_query_typed_in_the_browser_is_its_status_line(query, message):
    from tests.helpers import basic_deck, import_bytes
    from tests.tui_helpers import make_app, settle, store_with

    store = store_with()
    import_bytes(store, basic_deck("d", 2))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#browse-query").value = query
        await pilot.press("enter")
        await settle(pilot)
        assert message in str(app.screen.query_one("#browse-status").render())
        assert app.is_running
    store.close()
