"""The statistics' rows are the same on every backend: typed rows whose days are dates and
whose numbers are ints (never the ISO text of SQLite's cursor, never PostgreSQL's Decimal),
so that trainer.stats shapes them without asking which database it reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import basic_deck, import_bytes
from tests.stats_history import build
from trainer.stats import compute
from trainer.store.stats_sql import queries


@pytest.fixture
def history(db_url):
    store, ids, _clock = build(db_url)
    # a second deck, so that a deck is not the whole collection (its own query paths)
    import_bytes(store, basic_deck("e", 2))
    other = store.cards.of_deck(store.decks.find("e").id)[0].id
    store.reviews.record(other, 4, answer_ms=900, session_id="s")
    yield store, ids
    store.close()


def _plain(value: object, where: str) -> None:
    """Every value a row holds is a plain Python value: no Decimal, no bytes."""
    assert not isinstance(value, Decimal | bytes), f"{where}: {value!r}"


def _check_row(row: object, where: str) -> None:
    assert isinstance(row, tuple) and hasattr(row, "_fields"), f"{where}: {row!r} is untyped"
    for name, value in zip(row._fields, row, strict=True):
        _plain(value, f"{where}.{name}")
        if name == "day":
            assert type(value) is date, f"{where}.day: {value!r}"
        elif name in ("count", "cards", "answers", "passed", "right", "total", "mature", "due",
                      "lapses", "reviews", "easiness_x100", "quality", "hour", "total_ms"):
            assert type(value) is int, f"{where}.{name}: {value!r}"
        elif name == "leech":
            assert type(value) is bool, f"{where}.leech: {value!r}"


@pytest.mark.parametrize("scope", ["all", "deck d", "deck e", "tag t1"])
def test_rows_are_typed_and_the_same_on_every_backend(history, scope):
    store, _ids = history
    deck_id = store.decks.find(scope[5:]).id if scope.startswith("deck") else None
    tag = scope[4:] if scope.startswith("tag") else None
    today = store.today()
    with queries(store, deck_id, tag) as q:
        answers = q.answers(None, today)
        for figure in ("today", "history", "per_day", "retention", "by_maturity", "hourly"):
            for row in getattr(answers, figure):
                _check_row(row, figure)
        _check_row(q.counts(today), "counts")
        for name, rows in (("forecast", q.forecast(today, 30)), ("easiness", q.easiness()),
                           ("hardest", q.hardest(10)), ("decks", q.decks()),
                           ("top_tags", q.top_tags(50)), ("mature_per_tag", q.mature_per_tag()),
                           ("quizzes", q.quizzes())):
            for row in rows:
                _check_row(row, name)
        assert all(type(n) is int for n in q.interval_counts([(1, 1), (2, 10**9)]))
        found = q.retention_30d(["t1", "deck-tag"], today)
        for by in (found.decks, found.tags):
            for row in by.values():
                _check_row(row, "retention_30d")
    if scope == "all":
        assert answers.history and answers.retention  # the figures have rows to check


def test_the_figures_need_no_backend_of_their_own(history):
    """compute's JSON-ready figures hold ints and floats on PostgreSQL as on SQLite."""
    store, _ids = history

    def walk(value: object, where: str) -> None:
        _plain(value, where)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    for scope in ({}, {"deck": store.decks.find("d")}, {"tag": "t1"}):
        walk(compute(store, period="all", **scope), "figures")
